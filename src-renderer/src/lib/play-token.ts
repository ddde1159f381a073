// Play tokens: what the contract accepts, and a random one for the Generate button.
// The server stays the judge; this only lets the form say what is wrong before a save.

/** The contract's rule for StreamConfig.playToken (minLength 4, maxLength 128). */
const playTokenPattern = /^[A-Za-z0-9_.~-]{4,128}$/;

/** Why `token` cannot be a play token, or null. Empty is fine: it means open playback. */
export function playTokenProblem(token: string): string | null {
  const t = token.trim();
  if (t.length === 0) return null;
  if (t.length < 4) return 'A play token has at least 4 characters';
  if (t.length > 128) return 'A play token has at most 128 characters';
  if (!playTokenPattern.test(t)) return 'A play token uses only letters, digits and _ . ~ - (it travels in URLs)';
  return null;
}

/** 24 URL-safe characters (144 random bits). getRandomValues works on plain-http LAN pages too. */
export function generatePlayToken(random: (bytes: Uint8Array<ArrayBuffer>) => void = (b) => crypto.getRandomValues(b)): string {
  const bytes = new Uint8Array(18);
  random(bytes);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}
