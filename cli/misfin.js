#!/usr/bin/env node
// The `misfin` command: runs cli/main.ts through the project's one TypeScript loader (tsx).
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
