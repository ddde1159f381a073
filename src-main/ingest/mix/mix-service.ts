// The studio's live mixes: created, changed live and deleted through the API, kept in
// <data-dir>/mixes.json so they start again with the studio.
import fs from 'node:fs/promises';
import type { Logger } from 'pino';
import { Problem } from '../../contract/problem.js';
import { Value } from 'typebox/value';
import { MixCreate, type MixLayout, type MixStatus } from '../../contract/mixer-api.js';
import { streamNameProblem } from '../../contract/stream-name.js';
import { writeFileAtomic } from '../../files/atomic-write.js';
import { LiveMix, type LiveMixDeps } from './live-mix.js';

/** Mixes at once: each runs an encoder and a decoder per input. */
export const maxMixes = 8;

export interface MixServiceDeps extends LiveMixDeps {
  /** Where the mixes are kept between runs. */
  file: string;
  /** Resolves once ffmpeg has been looked for (it is, in the background, as the studio starts). */
  ffmpegKnown: () => Promise<unknown>;
  log: Logger;
}

export class MixService {
  private readonly mixes = new Map<string, LiveMix>();

  constructor(private readonly deps: MixServiceDeps) {}

  list(): MixStatus[] {
    return [...this.mixes.values()].map((m) => m.status()).sort((a, b) => a.name.localeCompare(b.name));
  }

  get(name: string): MixStatus {
    return this.find(name).status();
  }

  async create(body: MixCreate): Promise<MixStatus> {
    const { name, ...layout } = body;
    const problem = streamNameProblem(name);
    if (problem) throw new Problem('invalid', 'Invalid stream name', problem);
    if (this.mixes.has(name)) throw new Problem('conflict', 'Mix exists', `${name} is a mix already; change it with PUT`);
    if (this.mixes.size >= maxMixes) throw new Problem('unavailable', 'Too many mixes', `${maxMixes} mixes run already; delete one first`);
    this.checkInputs(name, layout);
    await this.deps.ffmpegKnown();
    // Looked again after the wait: two requests for one name may have crossed.
    if (this.mixes.has(name)) throw new Problem('conflict', 'Mix exists', `${name} is a mix already; change it with PUT`);
    const mix = new LiveMix(name, layout, this.deps);
    mix.start();
    this.mixes.set(name, mix);
    void this.save();
    return mix.status();
  }

  update(name: string, layout: MixLayout): MixStatus {
    const mix = this.find(name);
    this.checkInputs(name, layout);
    mix.update(layout);
    void this.save();
    return mix.status();
  }

  async remove(name: string): Promise<void> {
    const mix = this.find(name);
    this.mixes.delete(name);
    await mix.close('the mix was deleted');
    await this.save();
  }

  /** The mixes kept from the last run, started again; one that cannot start is logged and dropped. */
  async start(): Promise<void> {
    let kept: unknown;
    try {
      kept = JSON.parse(await fs.readFile(this.deps.file, 'utf8'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.deps.log.warn({ err }, `mixes: ${this.deps.file} is unreadable; starting without mixes`);
      return;
    }
    for (const body of Array.isArray(kept) ? (kept as unknown[]) : []) {
      // The file may have been edited by hand: what the API would refuse is not started either.
      if (!Value.Check(MixCreate, body)) {
        this.deps.log.warn(`mixes: an entry of ${this.deps.file} is not a valid mix; skipped`);
        continue;
      }
      try {
        await this.create(body);
      } catch (err) {
        this.deps.log.warn(`mix ${body.name} not started again: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  async stop(): Promise<void> {
    await Promise.all([...this.mixes.values()].map((m) => m.close('the studio is stopping')));
    this.mixes.clear();
  }

  private find(name: string): LiveMix {
    const mix = this.mixes.get(name);
    if (!mix) throw new Problem('not-found', 'No such mix', `${name} is not a mix`);
    return mix;
  }

  /** A mix cannot show itself, nor another mix that shows it (its picture would feed back). */
  private checkInputs(name: string, layout: MixLayout): void {
    for (const input of layout.inputs) {
      const problem = streamNameProblem(input.source);
      if (problem) throw new Problem('invalid', 'Invalid input', `${input.source}: ${problem}`);
      if (input.source === name || this.mixes.get(input.source)?.status().layout.inputs.some((i) => i.source === name)) {
        throw new Problem('invalid', 'A mix cannot show itself', `${name} cannot take ${input.source} as an input: the picture would feed back into itself`);
      }
    }
  }

  private async save(): Promise<void> {
    const kept: MixCreate[] = [...this.mixes.values()].map((m) => {
      const { name, layout } = m.status();
      return { name, ...layout };
    });
    await writeFileAtomic(this.deps.file, JSON.stringify(kept, null, 2)).catch((err: unknown) => this.deps.log.error({ err }, 'mixes: could not save'));
  }
}
