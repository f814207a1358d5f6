/**
 * What search needs from a trained model: the query in the joint embedding
 * space. The ML engine implements it from a checkpoint's text encoder and
 * image encoder with their projection heads; tests pass vectors directly.
 */
export interface QueryEmbedder {
  /** A sentence or phrase -> projected text embedding [dim]. */
  embedText(text: string): Float32Array | Promise<Float32Array>;
  /** An imported image (instances.id) -> projected image embedding [dim]. */
  embedImage(instanceId: number): Float32Array | Promise<Float32Array>;
}

/** Finds the embedder of a stored model id, or null when this build cannot load one. */
export type QueryEmbedderProvider = (modelId: string) => QueryEmbedder | null | Promise<QueryEmbedder | null>;
