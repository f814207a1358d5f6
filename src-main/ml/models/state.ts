/**
 * The named tensors of a model under PyTorch names (torchvision, Hugging Face),
 * held in tfjs layout. `layout` says how a tensor differs from PyTorch's so
 * weight files can be read and written in PyTorch's own layout:
 * - conv2d: tfjs [KH, KW, Cin, Cout]  vs torch [Cout, Cin, KH, KW]
 * - linear: tfjs [in, out]            vs torch [out, in]
 * - plain:  same shape (biases, norms, embeddings, running statistics)
 */
import * as tf from '@tensorflow/tfjs-core';

export type ParamLayout = 'conv2d' | 'linear' | 'plain';

export interface NamedTensor {
  variable: tf.Variable;
  layout: ParamLayout;
  /** false for running statistics (updated by the forward pass, not by the optimiser). */
  isParameter: boolean;
}

export class ModelState {
  readonly entries = new Map<string, NamedTensor>();

  add(name: string, initial: tf.Tensor, layout: ParamLayout, isParameter = true): tf.Variable {
    if (this.entries.has(name)) throw new Error(`duplicate tensor name ${name}`);
    // Unnamed variables: tfjs names are global, and several models may coexist.
    const variable = tf.variable(initial, isParameter);
    initial.dispose();
    this.entries.set(name, { variable, layout, isParameter });
    return variable;
  }

  get(name: string): tf.Variable {
    const entry = this.entries.get(name);
    if (!entry) throw new Error(`no tensor named ${name}`);
    return entry.variable;
  }

  /** Learnable tensors by name (frozen ones included). */
  params(): Map<string, tf.Variable> {
    return new Map([...this.entries].filter(([, e]) => e.isParameter).map(([n, e]) => [n, e.variable]));
  }

  /** Non-learnable state by name (BatchNorm running statistics). */
  buffers(): Map<string, tf.Variable> {
    return new Map([...this.entries].filter(([, e]) => !e.isParameter).map(([n, e]) => [n, e.variable]));
  }

  /** Parameters the optimiser updates: not frozen. */
  trainable(): Map<string, tf.Variable> {
    return new Map([...this.entries].filter(([, e]) => e.isParameter && e.variable.trainable).map(([n, e]) => [n, e.variable]));
  }

  dispose(): void {
    for (const e of this.entries.values()) e.variable.dispose();
    this.entries.clear();
  }
}

/** Converts a tensor from tfjs layout to PyTorch layout (`toTorch`) or back. */
export function convertLayout(t: tf.Tensor, layout: ParamLayout, direction: 'toTorch' | 'fromTorch'): tf.Tensor {
  if (layout === 'plain') return t.clone();
  if (layout === 'linear') return tf.transpose(t, [1, 0]);
  return tf.transpose(t, direction === 'toTorch' ? [3, 2, 0, 1] : [2, 3, 1, 0]);
}

/** The PyTorch shape of a tfjs-layout shape. */
export function torchShape(shape: number[], layout: ParamLayout): number[] {
  if (layout === 'linear') return [shape[1]!, shape[0]!];
  if (layout === 'conv2d') return [shape[3]!, shape[2]!, shape[0]!, shape[1]!];
  return shape;
}
