/**
 * ResNet-18/34/50 image encoder as torchvision builds it (v1.5: the stride of a
 * bottleneck sits on its 3x3 conv), with torchvision's tensor names
 * (conv1.weight, bn1.running_mean, layer1.0.conv1.weight, layer2.0.downsample.0.weight, ...).
 * Input: NHWC [N, H, W, inputChannels]; output: [N, features] after global
 * average pooling (no fc layer).
 */
import * as tf from '@tensorflow/tfjs-core';
import { createBatchNorm, type BatchNorm } from './batch-norm';
import { ResNetConfig, resnetFeatures, scaledWidth, stageLayout, type ResNetConfigInput } from './resnet-config';
import { ModelState } from './state';

export interface ResNet {
  config: ResNetConfig;
  /** Size of the pooled feature vector. */
  features: number;
  state: ModelState;
  /** Learnable tensors by torchvision name, tfjs layout (conv: [KH, KW, Cin, Cout]). */
  params: Map<string, tf.Variable>;
  /** BatchNorm running_mean / running_var by torchvision name. */
  buffers: Map<string, tf.Variable>;
  /** x: [N, H, W, C] float32; training: batch statistics (and running-stat updates) vs running statistics. */
  apply(x: tf.Tensor4D, training: boolean): tf.Tensor2D;
  dispose(): void;
}

type Layer = (x: tf.Tensor4D, training: boolean) => tf.Tensor4D;

/** He (Kaiming) normal init, fan_out, ReLU gain: torchvision's choice for ResNet convs. */
function kaimingConv(kernel: number, cin: number, cout: number, seed: number): tf.Tensor {
  return tf.randomNormal([kernel, kernel, cin, cout], 0, Math.sqrt(2 / (cout * kernel * kernel)), 'float32', seed);
}

export function createResNet(input: ResNetConfigInput, options: { seed?: number } = {}): ResNet {
  const config = ResNetConfig.parse(input);
  const layout = stageLayout(config.depth);
  const state = new ModelState();
  // tfjs treats seed 0 as "unseeded": start above it, spaced so nearby model seeds do not overlap.
  let seed = (options.seed ?? 0) * 100_003 + 1;

  const conv = (name: string, kernel: number, cin: number, cout: number, stride: number): Layer => {
    const weight = state.add(`${name}.weight`, kaimingConv(kernel, cin, cout, seed++), 'conv2d');
    const pad = Math.floor(kernel / 2);
    return (x) => tf.conv2d(x, weight as tf.Tensor4D, stride, pad === 0 ? 'valid' : pad);
  };
  const norm = (name: string, channels: number): BatchNorm => createBatchNorm(state, name, channels, config.bnMomentum, config.bnEps);

  const stemWidth = scaledWidth(64, config.widthMultiplier);
  const stemConv = conv('conv1', 7, config.inputChannels, stemWidth, 2);
  const stemNorm = norm('bn1', stemWidth);

  const blocks: Layer[] = [];
  let inplanes = stemWidth;
  layout.blocksPerStage.forEach((count, stage) => {
    const planes = scaledWidth(64 * 2 ** stage, config.widthMultiplier);
    for (let b = 0; b < count; b++) {
      const stride = b === 0 && stage > 0 ? 2 : 1;
      const prefix = `layer${stage + 1}.${b}`;
      const outplanes = planes * layout.expansion;
      const path: Array<[Layer, BatchNorm]> =
        layout.block === 'basic'
          ? [
              [conv(`${prefix}.conv1`, 3, inplanes, planes, stride), norm(`${prefix}.bn1`, planes)],
              [conv(`${prefix}.conv2`, 3, planes, planes, 1), norm(`${prefix}.bn2`, planes)],
            ]
          : [
              [conv(`${prefix}.conv1`, 1, inplanes, planes, 1), norm(`${prefix}.bn1`, planes)],
              [conv(`${prefix}.conv2`, 3, planes, planes, stride), norm(`${prefix}.bn2`, planes)],
              [conv(`${prefix}.conv3`, 1, planes, outplanes, 1), norm(`${prefix}.bn3`, outplanes)],
            ];
      const shortcut: [Layer, BatchNorm] | null =
        stride !== 1 || inplanes !== outplanes
          ? [conv(`${prefix}.downsample.0`, 1, inplanes, outplanes, stride), norm(`${prefix}.downsample.1`, outplanes)]
          : null;
      blocks.push((x, training) => {
        let y = x;
        path.forEach(([c, n], i) => {
          y = n.apply(c(y, training), training);
          if (i < path.length - 1) y = tf.relu(y);
        });
        const identity = shortcut ? shortcut[1].apply(shortcut[0](x, training), training) : x;
        return tf.relu(tf.add(y, identity)) as tf.Tensor4D;
      });
      inplanes = outplanes;
    }
  });

  return {
    config,
    features: resnetFeatures(config),
    state,
    params: state.params(),
    buffers: state.buffers(),
    apply(x, training) {
      if (x.shape[3] !== config.inputChannels) {
        throw new Error(`ResNet expects ${config.inputChannels} input channel(s), got ${x.shape[3]}`);
      }
      let y = tf.relu(stemNorm.apply(stemConv(x, training), training));
      y = tf.maxPool(y, 3, 2, 1);
      for (const block of blocks) y = block(y, training);
      return tf.mean(y, [1, 2]) as tf.Tensor2D;
    },
    dispose: () => state.dispose(),
  };
}
