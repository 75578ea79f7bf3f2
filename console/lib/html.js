// Preact and htm, served by Allot from node_modules (src/http/console.ts): no bundler, no build step.

import htm from '../vendor/htm.js';
import { h, render } from '../vendor/preact.js';

export { useCallback, useEffect, useMemo, useRef, useState } from '../vendor/hooks.js';
export { render };

/** Tagged templates instead of JSX: html`<p class="x">${text}</p>`. */
export const html = htm.bind(h);
