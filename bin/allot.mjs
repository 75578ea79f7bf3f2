#!/usr/bin/env node
// `npx allot …`: runs the TypeScript CLI through tsx, like `npm start` runs the server.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
