import { describe, expect, it } from 'vitest';
import { chartsSvg, escapeXml, formatTick, lineChartSvg, niceScale, type LineChart } from './svg-plot.js';

/**
 * Well-formed enough to be XML: one root, every tag closed in order, attributes quoted, no
 * stray '<' or '&' in text. Returns the elements met (name and attributes), in order.
 */
function parseXmlish(text: string): { name: string; attrs: Record<string, string>; text: string }[] {
  const body = text.replace(/^<\?xml[^?]*\?>\s*/, '');
  const tag = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>/y;
  const stack: { name: string; text: string }[] = [];
  const elements: { name: string; attrs: Record<string, string>; text: string }[] = [];
  let roots = 0;
  let at = 0;
  while (at < body.length) {
    const lt = body.indexOf('<', at);
    const between = body.slice(at, lt < 0 ? body.length : lt);
    if (/&(?!(amp|lt|gt|quot|apos|#\d+);)/.test(between)) throw new Error(`raw & in text: ${between}`);
    if (stack.length === 0 && between.trim() !== '') throw new Error(`text outside the root: ${between}`);
    if (stack.length > 0) stack.at(-1)!.text += between;
    if (lt < 0) break;
    tag.lastIndex = lt;
    const m = tag.exec(body);
    if (!m) throw new Error(`malformed tag at ${lt}: ${body.slice(lt, lt + 60)}`);
    const [whole, closing, name, attrText, selfClosing] = m as unknown as [string, string, string, string, string];
    if (closing) {
      if (stack.pop()?.name !== name) throw new Error(`</${name}> closes nothing open`);
    } else {
      if (stack.length === 0) roots++;
      const attrs: Record<string, string> = {};
      for (const a of attrText.matchAll(/([\w:.-]+)="([^"]*)"/g)) {
        if (a[1]! in attrs) throw new Error(`attribute ${a[1]} twice on <${name}>`);
        attrs[a[1]!] = a[2]!;
      }
      const element = { name, attrs, text: '' };
      elements.push(element);
      if (!selfClosing) stack.push(element);
    }
    at = lt + whole.length;
  }
  if (stack.length) throw new Error(`unclosed: ${stack.map((e) => e.name).join(' > ')}`);
  if (roots !== 1) throw new Error(`${roots} root elements`);
  return elements;
}

const chart: LineChart = {
  title: 'CPU vs streams',
  xLabel: 'publishers (streams)',
  yLabel: 'CPU cores used',
  flagLabel: 'not held',
  series: [
    { name: 'framehouse', points: [{ x: 10, y: 0.1 }, { x: 50, y: 0.4 }, { x: 100, y: 0.9 }] },
    { name: 'node-media-server', points: [{ x: 10, y: 0.2 }, { x: 50, y: 1.1 }, { x: 100, y: 1.9, flagged: true }] },
    { name: 'nginx <rtmp> & co', points: [{ x: 50, y: 0.3 }, { x: 10, y: 0.05 }], dashed: true },
  ],
};

const polylinePoints = (points: string) => points.split(' ').filter(Boolean).map((p) => p.split(',').map(Number) as [number, number]);

describe('svg-plot', () => {
  it('writes a well-formed SVG document sized 800×450', () => {
    const elements = parseXmlish(lineChartSvg(chart));
    expect(elements[0]!.name).toBe('svg');
    expect(elements[0]!.attrs).toMatchObject({ xmlns: 'http://www.w3.org/2000/svg', width: '800', height: '450' });
    // White background under dark ink.
    expect(elements.find((e) => e.name === 'rect')!.attrs.fill).toBe('#ffffff');
  });

  it('draws one polyline per series and names each in the legend', () => {
    const elements = parseXmlish(lineChartSvg(chart));
    const lines = elements.filter((e) => e.name === 'polyline');
    expect(lines).toHaveLength(3);
    expect(lines.map((l) => l.attrs['data-series'])).toEqual(['framehouse', 'node-media-server', 'nginx &lt;rtmp&gt; &amp; co']);
    const legend = elements.filter((e) => e.attrs.class === 'legend').map((e) => e.text);
    expect(legend).toEqual(['framehouse', 'node-media-server', 'nginx &lt;rtmp&gt; &amp; co', 'not held']);
    // Each series in its own colour.
    expect(new Set(lines.map((l) => l.attrs.stroke)).size).toBe(3);
    expect(lines[2]!.attrs['stroke-dasharray']).toBeDefined();
  });

  it('labels both axes, the title and the ticks', () => {
    const elements = parseXmlish(lineChartSvg(chart));
    const texts = elements.filter((e) => e.name === 'text');
    expect(texts.filter((e) => e.attrs.class === 'axis-label').map((e) => e.text)).toEqual(['publishers (streams)', 'CPU cores used']);
    expect(texts.some((e) => e.text === 'CPU vs streams')).toBe(true);
    const ticks = texts.filter((e) => e.attrs.class === 'tick').map((e) => e.text);
    expect(ticks).toEqual(expect.arrayContaining(['0', '100', '0.0', '2.0']));
    expect(elements.filter((e) => e.attrs.class === 'axis')).toHaveLength(2);
  });

  it('scales every point into the plot box, the axis ends on its edges', () => {
    const elements = parseXmlish(lineChartSvg(chart));
    const box = elements.find((e) => e.attrs.class === 'plot')!.attrs;
    const [left, top] = [Number(box.x), Number(box.y)];
    const [right, bottom] = [left + Number(box.width), top + Number(box.height)];
    const lines = elements.filter((e) => e.name === 'polyline').map((l) => polylinePoints(l.attrs.points!));
    for (const [x, y] of lines.flat()) {
      expect(x).toBeGreaterThanOrEqual(left);
      expect(x).toBeLessThanOrEqual(right);
      expect(y).toBeGreaterThanOrEqual(top);
      expect(y).toBeLessThanOrEqual(bottom);
    }
    // x runs 0..100 and y 0..2: (100, 1.9) sits on the right edge, 95% of the way up.
    const nms = lines[1]!;
    expect(nms.at(-1)![0]).toBeCloseTo(right, 0);
    expect(nms.at(-1)![1]).toBeCloseTo(bottom - 0.95 * (bottom - top), 0);
    // Points are joined in x order, whatever order they came in; higher values sit higher up.
    expect(lines[2]![0]![0]).toBeLessThan(lines[2]![1]![0]!);
    expect(lines[2]![0]![1]).toBeGreaterThan(lines[2]![1]![1]!);
  });

  it('marks flagged points with a cross instead of a dot', () => {
    const svg = lineChartSvg(chart);
    const elements = parseXmlish(svg);
    expect(elements.filter((e) => e.name === 'circle').length).toBe(8 - 1 + 3);
    expect(elements.filter((e) => e.name === 'path').length).toBe(2);
    expect(lineChartSvg({ ...chart, series: chart.series.slice(0, 1) })).not.toContain('not held');
  });

  it('stacks several charts into one document, each a panel of its own', () => {
    const elements = parseXmlish(chartsSvg([chart, { ...chart, title: 'RSS' }], { columns: 1 }));
    expect(elements[0]!.attrs).toMatchObject({ width: '800', height: '900' });
    expect(elements.filter((e) => e.name === 'polyline')).toHaveLength(6);
    expect(elements.filter((e) => e.name === 'g').map((g) => g.attrs.transform)).toEqual(['translate(0,0)', 'translate(0,450)']);
  });

  it('copes with an empty series and with no data at all', () => {
    const elements = parseXmlish(lineChartSvg({ ...chart, series: [{ name: 'none yet', points: [] }] }));
    expect(elements.filter((e) => e.name === 'polyline')).toHaveLength(1);
    expect(elements.find((e) => e.name === 'polyline')!.attrs.points).toBe('');
  });

  it('picks round tick steps that cover the data from zero', () => {
    expect(niceScale([10, 1000])).toMatchObject({ lo: 0, hi: 1000, step: 200 });
    expect(niceScale([0.12, 1.87])).toMatchObject({ lo: 0, hi: 2, step: 0.5 });
    expect(niceScale([3, 7]).ticks).toEqual([0, 2, 4, 6, 8]);
    expect(niceScale([]).ticks).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceScale([0, 0.3]).ticks.every((t) => String(t).length <= 4)).toBe(true);
    expect(formatTick(0.5, 0.25)).toBe('0.50');
    expect(formatTick(20_000, 5000)).toBe('20,000');
    expect(escapeXml(`a<b & "c" 'd'>`)).toBe('a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;');
  });
});
