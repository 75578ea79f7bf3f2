import { pgTable, text } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { bind } from './bind';
import { attr, defineResource } from './define';

const things = pgTable('things', {
  id: text('id'),
  mode: text('mode'),
  name: text('name'),
  created_at: text('created_at'),
  updated_at: text('updated_at'),
  reference: text('reference'),
  reference_origin: text('reference_origin'),
  metadata: text('metadata'),
});
const def = defineResource({
  type: 'things',
  singular: 'thing',
  description: 'A thing.',
  table: things,
  attributes: { name: attr.string({ column: things.name }), size: attr.integer() },
  relationships: {},
  triggers: { _close: { on: ['update'], description: 'Close the thing.' } },
});
const close = async () => {};

describe('binding behaviour to a definition', () => {
  it('attaches actions, hooks and loaders by name, leaving the definition as it was', () => {
    const beforeWrite = async () => {};
    const load = async () => new Map();
    const bound = bind(def, { triggers: { _close: close }, hooks: { beforeWrite }, loaders: { size: load } });
    expect(bound.triggers._close).toEqual({ on: ['update'], description: 'Close the thing.', run: close });
    expect(bound.hooks.beforeWrite).toBe(beforeWrite);
    expect(bound.attributes.size!.load).toBe(load);
    expect(def.attributes.size!.load).toBeUndefined();
    expect(Object.keys(bound.attributes)).toEqual(Object.keys(def.attributes));
    // names a client sends look up nothing that is not declared
    expect(bound.attributes.constructor).toBeUndefined();
    expect(bound.triggers.toString).toBeUndefined();
  });

  it('refuses a declared trigger without an action, and an action nobody declared', () => {
    expect(() => bind(def, {})).toThrow('things: trigger _close is declared but has no action');
    expect(() => bind(def, { triggers: { _close: close, _open: close } })).toThrow(
      'things: trigger _open has an action but is not declared',
    );
  });

  it('refuses a loader for a stored or missing attribute', () => {
    const load = async () => new Map();
    expect(() => bind(def, { triggers: { _close: close }, loaders: { name: load } })).toThrow(/name is not a computed/);
    expect(() => bind(def, { triggers: { _close: close }, loaders: { colour: load } })).toThrow(/colour is not a/);
  });
});
