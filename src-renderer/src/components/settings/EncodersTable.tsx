import type { EncoderStatus } from '../../../../src-main/contract/studio-api';

const codecNames: Record<EncoderStatus['codec'], string> = { h264: 'H.264', hevc: 'HEVC', av1: 'AV1' };

export function EncodersTable({ encoders }: { encoders: EncoderStatus[] }) {
  return (
    <div className="table-wrap">
      <table className="table" data-testid="encoders-table">
        <thead>
          <tr>
            <th scope="col">Encoder</th>
            <th scope="col">Codec</th>
            <th scope="col">Type</th>
            <th scope="col">Vendor</th>
            <th scope="col" className="cell-center">
              Works
            </th>
            <th scope="col">Reason</th>
            <th scope="col" className="cell-num">
              Probe
            </th>
          </tr>
        </thead>
        <tbody>
          {encoders.map((encoder) => (
            <tr key={encoder.name} data-testid={`encoder-${encoder.name}`} data-works={encoder.works ? 'true' : 'false'}>
              <td className="cell-mono">{encoder.name}</td>
              <td>{codecNames[encoder.codec]}</td>
              <td>
                <span className={`badge ${encoder.hardware ? 'badge-accent' : 'badge-quiet'}`}>
                  {encoder.hardware ? 'hardware' : 'software'}
                </span>
              </td>
              <td>{encoder.vendor}</td>
              <td className="cell-center">
                <span
                  className={encoder.works ? 'works-yes' : 'works-no'}
                  title={encoder.works ? 'The test encode succeeded' : (encoder.reason ?? 'The test encode failed')}
                  aria-label={encoder.works ? 'works' : 'does not work'}
                >
                  {encoder.works ? '✓' : '✗'}
                </span>
              </td>
              <td className="cell-reason" title={encoder.reason}>
                {encoder.works ? '' : (encoder.reason ?? '')}
              </td>
              <td className="cell-num">{Math.round(encoder.probeMs)} ms</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
