/** Evaluation metrics: pure functions, checked against scikit-learn (tests/fixtures/golden-eval). */
export { accuracy, argmaxRows } from './accuracy';
export { bootstrapCi, bootstrapIndices, pick, type BootstrapOptions, type ConfidenceInterval } from './bootstrap';
export { multiLabelAuc, oneVsRestAuc, type MultiAuc } from './multi-auc';
export { cosineSimilarity, precisionAtK, rankCandidates, retrievalPrecision, type RetrievalCandidate, type RetrievalPrecision, type RetrievalQuery } from './retrieval';
export { aucDefined, rocAuc, rocCurve, type RocCurve } from './roc-auc';
export { meanStd, quantile, type MeanStd } from './summary';
