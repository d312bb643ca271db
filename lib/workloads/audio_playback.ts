/**
 * Audio playback through an ens1371-like driver: open, set parameters, prepare, start, then one
 * period interrupt and pointer update every `periodFrames / rateHz`, and a mixer volume change every
 * `volumeEvery` periods. A period whose calls fail or finish after the next period is due is a
 * glitch (an audible underrun).
 *
 * @module
 */
import { z } from "zod";
import type { DriverHost } from "../fgft/driver_host.ts";
import { Ens1371Sound } from "../fgft/ens1371_sound.ts";
import { parseConfig } from "../sim/config.ts";
import type { Yieldable } from "../sim/process.ts";
import { type AppCall, appCall } from "./driver_config.ts";

/** zod schema of the playback workload. */
export const audioPlaybackSchema = z.object({
  rateHz: z.number().int().min(8_000).max(192_000).default(44_100),
  periodFrames: z.number().int().min(16).max(65_536).default(1_024),
  /** Periods played (bounded). */
  periods: z.number().int().min(1).max(1_000_000).default(40),
  /** A mixer volume change every this many periods. */
  volumeEvery: z.number().int().min(1).default(8),
}).strict();

/** Playback parameters as a user writes them. */
export type AudioPlaybackInput = z.input<typeof audioPlaybackSchema>;

/** What the listener got. */
export interface AudioMetrics {
  periodsPlayed: number;
  glitches: number;
  calls: AppCall[];
}

/**
 * Starts playback; returns a function reading the metrics.
 *
 * @example
 * ```ts
 * import { createSim } from "../sim/mod.ts";
 * import { DriverHost, Ens1371Sound, ens1371Driver } from "../fgft/mod.ts";
 * import { startAudioPlayback } from "./audio_playback.ts";
 * const sim = createSim({ seed: 1 });
 * const host = new DriverHost(sim, new Ens1371Sound("snd0"), ens1371Driver());
 * const m = startAudioPlayback(host, { periods: 5 });
 * sim.run();
 * if (m().periodsPlayed !== 5 || m().glitches !== 0) throw new Error(JSON.stringify(m()));
 * ```
 */
export function startAudioPlayback(
  host: DriverHost,
  config: AudioPlaybackInput = {},
): () => AudioMetrics {
  const c = parseConfig(audioPlaybackSchema, config, "audio playback");
  const sim = host.sim;
  const periodNs = Math.round((c.periodFrames * 1e9) / c.rateHz);
  const m: AudioMetrics = { periodsPlayed: 0, glitches: 0, calls: [] };
  function* call(
    name: string,
    args: Record<string, number> = {},
  ): Generator<Yieldable, boolean, unknown> {
    return (yield* appCall(host, m.calls, name, args)).ok;
  }
  sim.process(function* (): Generator<Yieldable, void, unknown> {
    for (const n of ["playback_open", "playback_hw_params", "playback_prepare"]) yield* call(n);
    yield* call("playback_trigger", { ctrl: 1 << 5 });
    let due = sim.now + periodNs;
    for (let p = 0; p < c.periods; p++) {
      yield Math.max(0, due - sim.now);
      if (host.device instanceof Ens1371Sound) host.device.play(c.periodFrames);
      let ok = yield* call("interrupt");
      ok = (yield* call("playback_pointer")) && ok;
      if ((p + 1) % c.volumeEvery === 0) {
        ok = (yield* call("mixer_put_volume", { r_master: p & 0x1f1f })) && ok;
      }
      due += periodNs;
      if (ok && sim.now <= due) m.periodsPlayed++;
      else m.glitches++;
    }
  }, "audio-playback");
  return () => m;
}
