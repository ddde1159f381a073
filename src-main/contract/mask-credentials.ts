/** rtsp://user:secret@cam/stream → rtsp://user:***@cam/stream, wherever URLs appear in the text (ffmpeg repeats them in its errors). */
export function maskCredentials(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)([^/@:\s]*):([^/@\s]*)@/gi, '$1$2:***@');
}
