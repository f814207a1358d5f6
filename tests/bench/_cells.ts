/** One benchmark row per evaluation cell: the fields every evaluation benchmark reports. */
import type { ProbeCell } from '../../src-main/eval/protocol/linear-probe';

export function cellRow(cell: ProbeCell, testSize: number) {
  return {
    metric: cell.metric,
    encoder: cell.encoder,
    fraction: cell.fraction,
    mean: cell.mean,
    std: cell.std,
    ci_lower: cell.ci.lower,
    ci_upper: cell.ci.upper,
    train_size: cell.runs[0]?.trainSize ?? 0,
    test_size: testSize,
  };
}
