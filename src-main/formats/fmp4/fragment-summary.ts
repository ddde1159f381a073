/** One track's run of samples in a media segment: what the DVR index and crash recovery need from it. */
export interface FragmentTrackSummary {
  /** The Track.id the writer was given (the file's track_ID minus 1). */
  trackId: number;
  /** tfdt: decode time of the first sample, in the track's timescale. */
  baseDecodeTime: number;
  sampleCount: number;
  /** Sum of the sample durations, in the track's timescale: the next segment's baseDecodeTime follows on from base + duration. */
  duration: number;
  firstSampleIsSync: boolean;
}

export interface FragmentSummary {
  /** mfhd sequence_number */
  sequenceNumber: number;
  /** In traf order, which is the order of the writer's `tracks`; tracks with no samples in the segment are absent. */
  tracks: FragmentTrackSummary[];
}
