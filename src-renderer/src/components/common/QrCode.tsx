import { useMemo } from 'react';
import { qrGeometry } from '../../lib/qr';

/** A QR code of `text`, dark on light whatever the theme (phone cameras expect that). */
export function QrCode({ text, size = 136, testId }: { text: string; size?: number; testId?: string }) {
  const qr = useMemo(() => qrGeometry(text), [text]);
  return (
    <svg
      className="qr"
      width={size}
      height={size}
      viewBox={`0 0 ${qr.size} ${qr.size}`}
      shapeRendering="crispEdges"
      role="img"
      aria-label={`QR code for ${text}`}
      data-testid={testId}
      data-text={text}
    >
      <rect width={qr.size} height={qr.size} fill="#fff" />
      <path d={qr.path} fill="#000" />
    </svg>
  );
}
