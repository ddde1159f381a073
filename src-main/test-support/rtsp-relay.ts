import net from 'node:net';

/**
 * A tiny RTSP relay for tests: ffmpeg (which has no RTSP server mode) publishes
 * into it with ANNOUNCE/RECORD over TCP, and RTSP clients PLAY the same RTP
 * packets back over TCP-interleaved channels. It parses nothing of the media.
 */
export class RtspRelay {
  private readonly server = net.createServer((socket) => this.accept(socket));
  private sdp: string | null = null;
  private readonly readers = new Map<net.Socket, Map<number, number>>(); // publisher channel → reader channel
  port = 0;

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this.port;
  }

  close(): Promise<void> {
    for (const socket of this.readers.keys()) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  get hasPublisher(): boolean {
    return this.sdp !== null;
  }

  private accept(socket: net.Socket): void {
    socket.on('error', () => undefined);
    let buffer = Buffer.alloc(0);
    let recording = false;
    let setups = 0;
    const channels = new Map<number, number>();
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        if (buffer[0] === 0x24) {
          // Interleaved frame: '$', channel, 16-bit length
          if (buffer.length < 4) return;
          const length = buffer.readUInt16BE(2);
          if (buffer.length < 4 + length) return;
          const channel = buffer[1]!;
          const payload = buffer.subarray(4, 4 + length);
          if (recording) this.forward(channel, payload);
          buffer = buffer.subarray(4 + length);
          continue;
        }
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buffer.subarray(0, end).toString();
        const lengthMatch = /content-length:\s*(\d+)/i.exec(head);
        const bodyLength = lengthMatch ? Number(lengthMatch[1]) : 0;
        if (buffer.length < end + 4 + bodyLength) return;
        const body = buffer.subarray(end + 4, end + 4 + bodyLength).toString();
        buffer = buffer.subarray(end + 4 + bodyLength);
        const [requestLine, ...headerLines] = head.split('\r\n');
        const [method, url] = requestLine!.split(' ');
        const header = (name: string) => headerLines.find((l) => l.toLowerCase().startsWith(`${name}:`))?.split(':').slice(1).join(':').trim();
        const cseq = header('cseq') ?? '0';
        const reply = (extra: string[] = [], content = '') =>
          socket.write(['RTSP/1.0 200 OK', `CSeq: ${cseq}`, ...extra, ...(content ? [`Content-Length: ${Buffer.byteLength(content)}`] : []), '', content].join('\r\n'));
        switch (method) {
          case 'OPTIONS':
            reply(['Public: OPTIONS, DESCRIBE, ANNOUNCE, SETUP, PLAY, RECORD, TEARDOWN']);
            break;
          case 'ANNOUNCE':
            this.sdp = body;
            reply();
            break;
          case 'DESCRIBE':
            if (!this.sdp) {
              socket.write(`RTSP/1.0 404 Not Found\r\nCSeq: ${cseq}\r\n\r\n`);
              break;
            }
            reply([`Content-Base: ${url}/`, 'Content-Type: application/sdp'], this.sdp);
            break;
          case 'SETUP': {
            const transport = header('transport') ?? '';
            const interleaved = /interleaved=(\d+)/.exec(transport);
            if (!/TCP/.test(transport) || !interleaved) {
              socket.write(`RTSP/1.0 461 Unsupported Transport\r\nCSeq: ${cseq}\r\n\r\n`);
              break;
            }
            // The n-th SETUP of a session is the n-th stream; publishers use channels 2n, 2n+1.
            const first = Number(interleaved[1]);
            channels.set(setups * 2, first);
            channels.set(setups * 2 + 1, first + 1);
            setups++;
            reply([`Transport: ${transport}`, 'Session: 12345678']);
            break;
          }
          case 'RECORD':
            recording = true;
            reply(['Session: 12345678']);
            break;
          case 'PLAY':
            this.readers.set(socket, channels);
            reply(['Session: 12345678']);
            break;
          case 'TEARDOWN':
            reply();
            socket.end();
            break;
          default:
            socket.write(`RTSP/1.0 501 Not Implemented\r\nCSeq: ${cseq}\r\n\r\n`);
        }
      }
    });
    socket.on('close', () => {
      this.readers.delete(socket);
      if (recording) this.sdp = null;
    });
  }

  private forward(channel: number, payload: Buffer): void {
    for (const [reader, map] of this.readers) {
      const target = map.get(channel);
      if (target === undefined || reader.destroyed) continue;
      const header = Buffer.of(0x24, target, payload.length >> 8, payload.length & 0xff);
      reader.write(Buffer.concat([header, payload]));
    }
  }
}
