// The studio's live mixes: created, changed live and deleted through the API, kept in
// <data-dir>/mixes.json so they start again with the studio.
import fs from 'node:fs/promises';
import type { Logger } from 'pino';
import { Problem } from '../../contract/problem.js';
import { Value } from 'typebox/value';
import { MixCreate, type MixLayout, type MixScene, type MixStatus } from '../../contract/mixer-api.js';
import { streamNameProblem } from '../../contract/stream-name.js';
import { writeFileAtomic } from '../../files/atomic-write.js';
import { layoutProblem, mixMemory } from '../../mixer/index.js';
import { LiveMix, type LiveMixDeps } from './live-mix.js';

/** Mixes at once: each runs an encoder and a decoder per input. */
export const maxMixes = 8;
/**
 * Picture memory the mixes may hold in the studio, all together (mixMemory). 1 GiB is a 4K canvas of
 * nine 1080p boxes with room for two more such mixes; a request past it is refused.
 */
export const mixMemoryBudget = 1 << 30;


export interface MixServiceDeps extends LiveMixDeps {
  /** Where the mixes are kept between runs. */
  file: string;
  /** Resolves once ffmpeg has been looked for (it is, in the background, as the studio starts). */
  ffmpegKnown: () => Promise<unknown>;
  log: Logger;
}

export class MixService {
  private readonly mixes = new Map<string, LiveMix>();
  /** Each mix's saved layouts. */
  private readonly scenes = new Map<string, MixScene[]>();
  /** Names being created (waiting for ffmpeg's detection): taken, as far as another request is concerned. */
  private readonly creating = new Map<string, MixLayout>();
  private saving: Promise<void> = Promise.resolve();

  constructor(private readonly deps: MixServiceDeps) {}

  list(): MixStatus[] {
    return [...this.mixes.values()].map((m) => this.status(m)).sort((a, b) => a.name.localeCompare(b.name));
  }

  get(name: string): MixStatus {
    return this.status(this.find(name));
  }

  /** Replaces the mix's saved layouts; each must have the mix's canvas and be a layout the mix could take. */
  setScenes(name: string, scenes: MixScene[]): MixStatus {
    const mix = this.find(name);
    this.checkScenes(name, mix.status().layout, scenes);
    this.scenes.set(name, scenes);
    void this.save();
    return this.status(mix);
  }

  async create(body: MixCreate): Promise<MixStatus> {
    const { name, scenes = [], ...layout } = body;
    const problem = streamNameProblem(name);
    if (problem) throw new Problem('invalid', 'Invalid stream name', problem);
    if (this.mixes.has(name) || this.creating.has(name)) throw new Problem('conflict', 'Mix exists', `${name} is a mix already; change it with PUT`);
    if (this.mixes.size + this.creating.size >= maxMixes) throw new Problem('unavailable', 'Too many mixes', `${maxMixes} mixes run already; delete one first`);
    this.checkInputs(name, layout);
    this.checkScenes(name, layout, scenes);
    this.creating.set(name, layout);
    let mix: LiveMix;
    try {
      await this.deps.ffmpegKnown();
      mix = new LiveMix(name, layout, this.deps);
      mix.start();
      this.mixes.set(name, mix);
      this.scenes.set(name, scenes);
    } finally {
      this.creating.delete(name);
    }
    void this.save();
    return this.status(mix);
  }

  update(name: string, layout: MixLayout): MixStatus {
    const mix = this.find(name);
    this.checkInputs(name, layout);
    mix.update(layout);
    void this.save();
    return this.status(mix);
  }

  async remove(name: string): Promise<void> {
    const mix = this.find(name);
    this.mixes.delete(name);
    this.scenes.delete(name);
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

  private status(mix: LiveMix): MixStatus {
    return { ...mix.status(), scenes: this.scenes.get(mix.name) ?? [] };
  }

  private checkScenes(name: string, canvas: MixLayout, scenes: MixScene[]): void {
    const names = new Set<string>();
    for (const scene of scenes) {
      if (names.has(scene.name)) throw new Problem('invalid', 'Scene names repeat', `two scenes are called "${scene.name}"`);
      names.add(scene.name);
      const { width, height, fps } = scene.layout;
      if (width !== canvas.width || height !== canvas.height || fps !== canvas.fps) {
        throw new Problem('invalid', 'Scene of another canvas', `scene "${scene.name}" is ${width}x${height} at ${fps} fps; ${name} is ${canvas.width}x${canvas.height} at ${canvas.fps} fps`);
      }
      const problem = layoutProblem(scene.layout);
      if (problem) throw new Problem('invalid', problem.title, `scene "${scene.name}": ${problem.detail}`);
    }
  }

  private find(name: string): LiveMix {
    const mix = this.mixes.get(name);
    if (!mix) throw new Problem('not-found', 'No such mix', `${name} is not a mix`);
    return mix;
  }

  /**
   * Inputs that are stream names, boxes no larger than the canvas, memory within the
   * studio's budget, and no loop: a mix may not show itself, nor any mix that shows it,
   * however far down (its picture would feed back).
   */
  private checkInputs(name: string, layout: MixLayout): void {
    const problem = layoutProblem(layout);
    if (problem) throw new Problem('invalid', problem.title, problem.detail);
    for (const input of layout.inputs) {
      if (this.reaches(input.source, name, new Set())) throw new Problem('invalid', 'A mix cannot show itself', `${name} cannot take ${input.source} as an input: the picture would feed back into itself`);
    }
    const others = [...this.mixes.values()].filter((m) => m.name !== name).reduce((sum, m) => sum + mixMemory(m.status().layout), 0) + [...this.creating.values()].reduce((sum, l) => sum + mixMemory(l), 0);
    if (others + mixMemory(layout) > mixMemoryBudget) {
      throw new Problem('unavailable', 'Not enough memory for this mix', `its canvas and boxes need ${Math.round(mixMemory(layout) / 2 ** 20)} MB of pictures, and the mixes may hold ${mixMemoryBudget / 2 ** 20} MB in all (${Math.round(others / 2 ** 20)} MB in use): use a smaller canvas or boxes`);
    }
  }

  /** Whether stream `from` is `target`, or a mix that shows it at any depth. */
  private reaches(from: string, target: string, seen: Set<string>): boolean {
    if (from === target) return true;
    if (seen.has(from)) return false;
    seen.add(from);
    const layout = this.mixes.get(from)?.status().layout ?? this.creating.get(from);
    return layout?.inputs.some((i) => this.reaches(i.source, target, seen)) ?? false;
  }

  /** Saves one after another (an older save never lands last), each writing the mixes as they are then. */
  private save(): Promise<void> {
    this.saving = this.saving.then(async () => {
      const kept: MixCreate[] = [...this.mixes.values()].map((m) => {
        const { name, layout } = m.status();
        return { name, ...layout, scenes: this.scenes.get(name) ?? [] };
      });
      await writeFileAtomic(this.deps.file, JSON.stringify(kept, null, 2)).catch((err: unknown) => this.deps.log.error({ err }, 'mixes: could not save'));
    });
    return this.saving;
  }
}
