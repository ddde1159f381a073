import { describe, expect, it } from 'vitest';
import { helpFromHash, sectionFromHash } from './sections';

describe('address hashes', () => {
  it('name a section or a help dialog, and nothing else', () => {
    expect(sectionFromHash('#/settings')).toBe('settings');
    expect(sectionFromHash('#/help/about')).toBeNull();
    expect(helpFromHash('#/help/obs-guide')).toBe('obs-guide');
    expect(helpFromHash('#/help/welcome')).toBe('welcome');
    expect(helpFromHash('#/help/about')).toBe('about');
    expect(helpFromHash('#/help/constructor')).toBeNull();
    expect(helpFromHash('#/settings')).toBeNull();
  });
});
