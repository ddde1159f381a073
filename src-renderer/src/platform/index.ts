// Picks the platform once at startup: the desktop bridge when the preload exposed it.
import { browserPlatform } from './browser';
import { desktopPlatform, findBridge } from './desktop';
import type { Platform } from './types';

const bridge = findBridge();

export const platform: Platform = bridge ? desktopPlatform(bridge) : browserPlatform();

export { DESKTOP_ONLY, PlatformUnavailableError } from './types';
export type { PickedFile, Platform } from './types';
