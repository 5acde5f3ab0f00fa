/** A Gemini response (or request) that does not follow the Gemini protocol. */
export class GeminiProtocolError extends Error {
  override readonly name = 'GeminiProtocolError';
}

/** A GMAP request that must not be made, or a GMAP answer that cannot be read (protocol doc §15). */
export class GmapError extends Error {
  override readonly name = 'GmapError';
}
