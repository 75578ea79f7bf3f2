import { describe, expect, it } from 'vitest';
import { attr } from '../resources/define';
import { checkTrigger, checkValue } from './values';

const outcome = (r: { value: unknown } | { violation: { error: string } }) =>
  'value' in r ? { value: r.value } : { error: r.violation.error };

describe('Rails-style casting of strings (what the CLI sends for -a key=value)', () => {
  const integer = attr.integer({ min: 0 });
  it.each([
    ['2', { value: 2 }],
    ['+4', { value: 4 }],
    ['007', { value: 7 }],
    ['-0', { value: 0 }],
    ['2147483647', { value: 2147483647 }],
    ['2147483648', { error: 'less_than_or_equal_to' }],
    ['-1', { error: 'greater_than_or_equal_to' }],
    ['2.5', { error: 'not_an_integer' }],
    ['2.0', { error: 'not_an_integer' }],
    ['1e3', { error: 'not_an_integer' }],
    ['two', { error: 'not_a_number' }],
    ['0x10', { error: 'not_a_number' }],
    ['Infinity', { error: 'not_a_number' }],
    ['NaN', { error: 'not_a_number' }],
    [' 2', { error: 'not_a_number' }],
    ['2 ', { error: 'not_a_number' }],
    ['1_000', { error: 'not_a_number' }],
    ['', { value: null }],
    [2, { value: 2 }],
    [true, { error: 'not_a_number' }],
  ])('integer %j → %j', (sent, expected) => {
    expect(outcome(checkValue('n', integer, sent))).toEqual(expected);
  });

  it('a required integer sent as "" is blank, as Rails casts it to nil', () => {
    expect(outcome(checkValue('quantity', attr.integer({ required: true }), ''))).toEqual({ error: 'blank' });
  });

  it('echoes what was sent in meta.value', () => {
    expect(checkValue('quantity', attr.integer(), 'two')).toEqual({
      violation: expect.objectContaining({ attribute: 'quantity', error: 'not_a_number', value: 'two' }),
    });
  });

  const float = attr.float({ min: -90, max: 90 });
  it.each([
    ['1.5', { value: 1.5 }],
    ['-45', { value: -45 }],
    ['1e1', { value: 10 }],
    ['1e400', { error: 'not_a_number' }],
    ['.5', { error: 'not_a_number' }],
    ['5.', { error: 'not_a_number' }],
    ['0x10', { error: 'not_a_number' }],
    ['-Infinity', { error: 'not_a_number' }],
    ['', { value: null }],
    [1.5, { value: 1.5 }],
  ])('float %j → %j', (sent, expected) => {
    expect(outcome(checkValue('lat', float, sent))).toEqual(expected);
  });

  const boolean = attr.boolean();
  it.each([
    ['true', { value: true }],
    ['false', { value: false }],
    ['1', { value: true }],
    ['0', { value: false }],
    [true, { value: true }],
    ['', { value: null }],
    ['yes', { error: 'inclusion' }],
    ['t', { error: 'inclusion' }],
    ['TRUE', { error: 'inclusion' }],
    [' true', { error: 'inclusion' }],
    [1, { error: 'inclusion' }],
  ])('boolean %j → %j', (sent, expected) => {
    expect(outcome(checkValue('do_not_ship', boolean, sent))).toEqual(expected);
  });

  it('casts datetimes only from "" (to null); ISO strings parse as before', () => {
    const at = attr.datetime();
    expect(outcome(checkValue('at', at, ''))).toEqual({ value: null });
    expect(checkValue('at', at, '2020-01-01T00:00:00Z')).toEqual({ value: new Date('2020-01-01T00:00:00Z') });
    expect(outcome(checkValue('at', at, 'soon'))).toEqual({ error: 'invalid' });
  });

  it('leaves strings and objects alone', () => {
    expect(checkValue('name', attr.string(), '2')).toEqual({ value: '2' });
    expect(checkValue('name', attr.string(), '')).toEqual({ value: '' });
    expect(outcome(checkValue('name', attr.string(), 2))).toEqual({ error: 'invalid' });
    expect(checkValue('metadata', attr.object(), { a: '1' })).toEqual({ value: { a: '1' } });
  });

  it.each([
    [true, { fire: true }],
    ['true', { fire: true }],
    ['1', { fire: true }],
    [false, { fire: false }],
    ['0', { fire: false }],
    ['false', { fire: false }],
  ])('trigger %j → %j', (sent, expected) => {
    expect(checkTrigger('_place', sent)).toEqual(expected);
  });

  it.each([null, '', 'yes', 1, {}])('trigger %j is refused: a trigger needs true or false', (sent) => {
    expect(checkTrigger('_place', sent)).toEqual({
      violation: expect.objectContaining({ attribute: '_place', error: 'inclusion' }),
    });
  });
});
