// The words a toast uses for each stream event. Pure, so the wording is tested.
import type { IngestProtocol, StudioEventMap } from '../../../src-main/contract/studio-api';
import { protocolLabel } from './stream-format';
import { maskCredentials } from '../../../src-main/contract/mask-credentials';

export type StreamToastTone = 'quiet' | 'info' | 'warning' | 'danger';

export interface StreamToast {
  tone: StreamToastTone;
  text: string;
  stream: string;
}

type StreamEvent =
  | { type: 'stream_started'; data: StudioEventMap['stream_started'] }
  | { type: 'stream_stopped'; data: StudioEventMap['stream_stopped'] }
  | { type: 'source_lost'; data: StudioEventMap['source_lost'] }
  | { type: 'source_switched'; data: StudioEventMap['source_switched'] }
  | { type: 'publish_refused'; data: StudioEventMap['publish_refused'] };

/** "rtmp from 10.0.0.5", "srt", as publishers are described in refusals. */
function fromWhere(protocol: IngestProtocol, remoteAddress: string | null): string {
  return remoteAddress ? `${protocol} from ${remoteAddress}` : protocol;
}

/** Strips the IPv4-mapped IPv6 prefix Node reports for IPv4 peers (::ffff:10.0.0.5). */
export function displayAddress(address: string | null): string | null {
  return address === null ? null : address.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1');
}

export function streamEventToast(event: StreamEvent): StreamToast {
  switch (event.type) {
    case 'publish_refused': {
      const d = event.data;
      return { tone: 'danger', stream: d.name, text: `${d.name}: ${maskCredentials(d.reason)} (${fromWhere(d.protocol, displayAddress(d.remoteAddress))})` };
    }
    case 'source_lost': {
      const d = event.data;
      const what = d.url ? `source ${maskCredentials(d.url)} lost` : 'source lost';
      return { tone: 'warning', stream: d.name, text: `${d.name}: ${what}: ${maskCredentials(d.reason)}` };
    }
    case 'source_switched': {
      const d = event.data;
      const from = d.from ? ` from ${maskCredentials(d.from)}` : '';
      return { tone: 'info', stream: d.name, text: `${d.name}: switched to ${maskCredentials(d.to)}${from}` };
    }
    case 'stream_started': {
      const d = event.data;
      const address = displayAddress(d.remoteAddress);
      return { tone: 'quiet', stream: d.name, text: `${d.name} started · ${protocolLabel(d.protocol) ?? d.protocol}${address ? ` from ${address}` : ''}` };
    }
    case 'stream_stopped': {
      const d = event.data;
      return { tone: 'quiet', stream: d.name, text: `${d.name} stopped${d.reason ? `: ${maskCredentials(d.reason)}` : ''}` };
    }
  }
}
