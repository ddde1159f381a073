import { streamNamePattern } from '../api/contract.js';

const pattern = new RegExp(streamNamePattern);

/** Why a stream name is not acceptable, or null. Names become folders and URL paths, hence the strict rule. */
export function streamNameProblem(name: string): string | null {
  if (name.length === 0) return 'the stream name is empty';
  if (name.length > 200) return 'the stream name is longer than 200 characters';
  if (!pattern.test(name)) return `"${name}" is not a valid stream name: use letters, digits, _ - . and / between parts (e.g. live/cam1)`;
  if (name.split('/').some((part) => part === '.' || part === '..')) return `"${name}" is not a valid stream name: "." and ".." are not allowed as parts`;
  return null;
}
