// The first-run screen's one fact: whether an admin has been through it (Done or Skip).
// Kept by the server in the data folder, so it survives port changes and holds for every
// admin browser. The renderer imports this file with `import type` only.
import { Type, type Static } from 'typebox';

export const WelcomeState = Type.Object({
  /** An admin finished or skipped the first-run screen on this data folder. */
  done: Type.Boolean(),
});
export type WelcomeState = Static<typeof WelcomeState>;
