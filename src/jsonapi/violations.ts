import type { Violation } from './errors';

/**
 * Where a violation points: an attribute by name (`'quantity'` → `/data/attributes/quantity`), a
 * relationship (`relationship('sku')` → `/data/relationships/sku`), or a name with a pointer of its own.
 */
export type Field = string | { attribute: string; pointer?: string };

export const relationship = (name: string): Field => ({ attribute: name, pointer: `/data/relationships/${name}` });

interface Meta {
  value?: unknown;
  count?: number;
}

function at(field: Field, message: string, error: string, meta: Meta = {}): Violation {
  const f = typeof field === 'string' ? { attribute: field } : field;
  return { ...f, message, error, ...meta };
}

const article = (word: string) => (/^[aeiou]/i.test(word) ? 'an' : 'a');
const because = (why?: string) => (why ? ` (${why})` : '');

/**
 * The one catalogue of 422 violations. Each builds one entry of a `VALIDATION_ERROR` in Rails'
 * vocabulary (`meta.error`, which the official clients show next to the field), with its wording
 * and `meta.value` / `meta.count`, so a rule reads the same wherever it is checked:
 *
 * @example
 *   throw errors.validation([violation.blank(relationship('sku'))]);
 *   throw errors.validation([violation.atMost('quantity', 5, sent)]); // "must be less than or equal to 5"
 */
export const violation = {
  // Rails' validations of a single value
  blank: (field: Field, value?: unknown) => at(field, "can't be blank", 'blank', { value }),
  /** Left out, and nothing to fill it in with: `can't be blank: the model has no return locations`. */
  noDefault: (field: Field, why: string) => at(field, `can't be blank: ${why}`, 'blank'),
  empty: (field: Field) => at(field, 'must not be empty', 'blank'),
  taken: (field: Field) => at(field, 'has already been taken', 'taken'),
  invalid: (field: Field, value?: unknown) => at(field, 'is invalid', 'invalid', { value }),
  /** `is not a valid SKU code`: a value that names nothing of that kind. */
  notValid: (field: Field, what: string, value?: unknown) => at(field, `is not a valid ${what}`, 'invalid', { value }),
  notIncluded: (field: Field, value?: unknown) => at(field, 'is not included in the list', 'inclusion', { value }),
  notBoolean: (field: Field, value?: unknown) => at(field, 'must be true or false', 'inclusion', { value }),
  notANumber: (field: Field, value?: unknown) => at(field, 'is not a number', 'not_a_number', { value }),
  notAnInteger: (field: Field, value?: unknown) => at(field, 'must be an integer', 'not_an_integer', { value }),
  /** `must be a string`, `must be an object`. */
  notA: (field: Field, type: 'string' | 'object', value?: unknown) =>
    at(field, `must be ${article(type)} ${type}`, 'invalid', { value }),
  notStorable: (field: Field, value?: unknown, nested = false) =>
    at(
      field,
      nested
        ? 'contains characters that are not allowed, or is nested too deeply'
        : 'contains characters that are not allowed',
      'invalid',
      { value },
    ),
  tooLong: (field: Field) => at(field, 'is too long', 'too_long'),
  greaterThan: (field: Field, limit: number, value?: unknown) =>
    at(field, `must be greater than ${limit}`, 'greater_than', { value, count: limit }),
  /** `must be greater than or equal to 3 (reserved stock)`. */
  atLeast: (field: Field, min: number, value?: unknown, why?: string) =>
    at(field, `must be greater than or equal to ${min}${because(why)}`, 'greater_than_or_equal_to', {
      value,
      count: min,
    }),
  /** `must be less than or equal to 5 (shipped and not yet returned)`. */
  atMost: (field: Field, max: number, value?: unknown, why?: string) =>
    at(field, `must be less than or equal to ${max}${because(why)}`, 'less_than_or_equal_to', { value, count: max }),

  // the domain's
  /** A trigger sent to a record whose status it does not apply to: `cannot be applied to a shipped order`. */
  invalidTransition: (trigger: string, status: string, noun: string) =>
    at(
      { attribute: trigger, pointer: `/data/attributes/${trigger}` },
      `cannot be applied to ${article(status)} ${status} ${noun}`,
      'invalid_transition',
    ),
  /** A change the record's status no longer allows: `is approved: its lines can no longer change`. */
  inStatus: (field: Field, status: string, consequence: string) => at(field, `is ${status}: ${consequence}`, 'invalid'),
  /** A change that a record owning this one decides: `belongs to a shipment: its order decides it`. */
  ownedBy: (field: Field, owner: string, instead: string) => at(field, `belongs to ${owner}: ${instead}`, 'invalid'),
  disabled: (field: Field) => at(field, 'is disabled', 'invalid'),
  /** Anything else that is wrong with a value, said in a few words: `must differ from the origin`. */
  unacceptable: (field: Field, message: string, value?: unknown) => at(field, message, 'invalid', { value }),
  /** One SKU of an order placement that the strategy could not cover. */
  outOfStock: (sku: { code: string; requested: number; available: number }, strategy: string) =>
    at(
      relationship('line_items'),
      `${sku.code}: ${sku.requested} requested, ${sku.available} available ` +
        `with the ${strategy} strategy (short by ${sku.requested - sku.available})`,
      'out_of_stock',
      { value: sku.code, count: sku.available },
    ),
  /** Holds a stock item could not give (only where stock was not locked first). */
  notEnoughStock: (skuCode: string) =>
    at(
      { attribute: 'quantity', pointer: '/data/attributes/quantity' },
      `not enough stock of ${skuCode}`,
      'less_than_or_equal_to',
    ),
  /** A reservation that grows by more than its stock item has free. */
  exceedsAvailable: (available: number) =>
    at('quantity', `exceeds the available stock (${available})`, 'less_than_or_equal_to', { count: available }),
  /** Units to take off a stock item that a count left with fewer on hand (quantity never goes below 0). */
  shortOnHand: (field: Field, sku: { code: string; onHand: number; toTake: number }) =>
    at(
      field,
      `${sku.code}: ${sku.toTake} to take but ${sku.onHand} on hand (a count left the stock item short of its holds)`,
      'less_than_or_equal_to',
      { value: sku.code, count: sku.onHand },
    ),
  noStockItem: (field: Field) => at(field, 'has no stock item for this SKU', 'invalid'),
  strategyUnavailable: (strategy: string) =>
    at(
      { attribute: 'strategy', pointer: '/data/relationships/market' },
      `${strategy} is not available yet`,
      'inclusion',
    ),
  /** A foreign key that points at nothing, or at something in use (SQLSTATE 23503). */
  danglingReference: () =>
    at(
      { attribute: 'base', pointer: '/data/relationships' },
      'refers to a resource that does not exist or is in use',
      'invalid',
    ),
  /** A CHECK constraint the services should have caught first: a race or a bug. */
  violates: (constraint?: string) => at('base', `violates ${constraint ?? 'a constraint'}`, 'invalid'),
} satisfies Record<string, (...args: never[]) => Violation>;
