/** A peer broke the protocol: the connection ends with this message as the logged reason. */
export class RtmpProtocolError extends Error {}
