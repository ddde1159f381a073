declare module 'pino-roll' {
  import type { DestinationStream } from 'pino';
  interface PinoRollOptions {
    file: string;
    size?: string | number;
    frequency?: string | number;
    extension?: string;
    mkdir?: boolean;
    limit?: { count?: number; removeOtherLogFiles?: boolean };
    symlink?: boolean;
  }
  type RollStream = DestinationStream & { end(): void; flushSync?(): void };
  export default function build(options: PinoRollOptions): Promise<RollStream>;
}
