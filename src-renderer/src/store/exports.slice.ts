// Saved exports (jobs on the studio) this window started or sees running: their
// progress comes as export_progress / export_finished events, with a poll while the
// event socket is down.
import type { ExportJob } from '../../../src-main/contract/export-api';
import { errorMessage } from '../api/api-error';
import { api } from '../api/endpoints';
import type { ExportsSlice } from './exports.state';
import type { SliceCreator } from './types';

const finished = (job: ExportJob) => job.state === 'done' || job.state === 'failed' || job.state === 'canceled';

/** Which of two snapshots of a job is newer: a finished one, or the one further along. */
function newer(current: ExportJob | undefined, next: ExportJob): boolean {
  if (!current) return true;
  if (finished(current) && !finished(next)) return false;
  if (!finished(current) && finished(next)) return true;
  return next.bytes >= current.bytes || next.state !== current.state;
}

let pollTimer: ReturnType<typeof setInterval> | null = null;

export const createExportsSlice: SliceCreator<ExportsSlice> = (set, get) => {
  /** While a followed job runs and the socket is not open, ask every second and a half. */
  const ensurePoll = () => {
    const running = get().exportOrder.some((id) => {
      const job = get().exportJobs[id];
      return job !== undefined && !finished(job);
    });
    if (running && !pollTimer) {
      pollTimer = setInterval(() => {
        if (get().socketState !== 'open') void get().refreshExports();
        else ensurePoll();
      }, 1500);
    } else if (!running && pollTimer) {
      clearInterval(pollTimer);
      pollTimer = null;
    }
  };

  return {
    exportJobs: {},
    exportOrder: [],
    exportsError: null,

    async startExport(body) {
      const job = await api.createExport(body);
      set({ exportJobs: { ...get().exportJobs, [job.id]: newer(get().exportJobs[job.id], job) ? job : get().exportJobs[job.id]! }, exportOrder: [...get().exportOrder.filter((id) => id !== job.id), job.id] });
      ensurePoll();
      return job;
    },

    async cancelExport(id) {
      await api.cancelExport(id);
      await get().refreshExports();
    },

    applyExportJob(job) {
      if (!newer(get().exportJobs[job.id], job)) return;
      set({ exportJobs: { ...get().exportJobs, [job.id]: job } });
      ensurePoll();
    },

    dismissExport(id) {
      set({ exportOrder: get().exportOrder.filter((x) => x !== id) });
      ensurePoll();
    },

    async refreshExports() {
      try {
        const list = await api.exports();
        const jobs = { ...get().exportJobs };
        for (const job of list) if (newer(jobs[job.id], job)) jobs[job.id] = job;
        set({ exportJobs: jobs, exportsError: null });
      } catch (err) {
        set({ exportsError: errorMessage(err) });
      }
      ensurePoll();
    },
  };
};
