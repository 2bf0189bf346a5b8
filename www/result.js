// The one Result the page keeps, assembled from the worker's messages (each layer arrives once,
// src/web/rfm.rs), and the rows of numbers the table and the CSV share.

/** The scalar metrics of a stage, in the Result's order (the table's and the CSV's columns). */
export const METRICS = [
  'nc1', 'nc1_trace', 'nc1_papyan', 'nc1_wt', 'nc2', 'nc2_orth', 'nc2_equinorm', 'nc2_equiangle', 'ncc_agreement',
  'cdnv', 'stable_rank', 'class_mean_rank',
];
export const STAGES = ['X', 'MX', 'PhiMX'];

/**
 * Adds a layer's message (`{ seed_index, report, spread, seconds_total, seed_seconds_total }`)
 * to `result` (the Result JSON as the worker started it): the report joins the layers of its
 * seed's run (and `layers` for the first seed), the layer's spread over the seeds replaces the
 * old one, and the seconds become the run's. The Result is then the one Rust would write.
 */
export function addLayer(result, message) {
  const { seed_index: seedIndex, report } = message;
  if (seedIndex === 0) result.layers.push(report);
  result.seconds_total = message.seconds_total;
  if (result.config.seeds > 1) {
    result.seed_runs ??= [];
    while (result.seed_runs.length <= seedIndex) {
      result.seed_runs.push({ seed: (result.config.seed + result.seed_runs.length) % 2 ** 32, layers: [], seconds_total: 0 });
    }
    const run = result.seed_runs[seedIndex];
    run.layers.push(report);
    run.seconds_total = message.seed_seconds_total;
    result.across_seeds ??= [];
    result.across_seeds[report.layer - 1] = message.spread;
  }
}

/** Every seed's run of a result as `{ seed, layers }`, first seed first: one for a single seed. */
export function seedRuns(result) {
  if (!result) return [];
  return result.seed_runs?.length ? result.seed_runs : [{ seed: result.config.seed, layers: result.layers }];
}

/**
 * The layers a result's charts draw: its layers for one seed; with several seeds, per layer the
 * geometric mean of every metric over the seeds (exp of the mean logarithm: the centre of its
 * band on a log axis; NaN when a value is not positive) and the mean accuracies.
 */
export function chartLayers(result) {
  if (!result?.across_seeds?.length) return result?.layers ?? [];
  const geometric = (spreads) => Object.fromEntries(Object.entries(spreads).map(([metric, s]) => [metric, s.log_mean === null ? NaN : Math.exp(s.log_mean)]));
  return result.across_seeds.map((l) => ({
    layer: l.layer,
    seeds: l.seeds,
    train_acc: l.train_acc.mean,
    test_acc: l.test_acc?.mean ?? null,
    stages: Object.fromEntries(STAGES.map((stage) => [stage, geometric(l.stages[stage])])),
  }));
}

/**
 * The level r/p of the identity's alignment with the class-mean directions (what a random,
 * isotropic matrix gives): r the rank of the class means of the features the alignment is
 * measured on, p their dimension. Null when either is missing.
 */
export function identityAlignment(rank, dim) {
  return Number.isFinite(rank) && dim > 0 ? rank / dim : null;
}

/** The identity's alignment at a Deep RFM layer: r the class-mean rank of its input X, p its input dimension. */
export function layerIdentityAlignment(layer) {
  return identityAlignment(layer.stages.X.class_mean_rank, layer.dim_in);
}

/**
 * The rows of numbers of a result, per layer and stage: one per seed (`kind` 'seed'), then, with
 * several seeds, `mean`, `std` (population), `log_mean` and `log_std` (of the natural
 * logarithms). Each row: `{ layer, stage, label, kind, values: { metric: number | null },
 * train_acc, test_acc, agop_alignment, identity_alignment, agop_effective_rank, singular_values, test, test_singular_values }`
 * (label: the seed, or the statistic's name; `test` the stage's metrics on the held-out samples;
 * the layer's AGOP alignment, the identity's r/p and the AGOP's effective rank (tr(M)² / ‖M‖²_F) on
 * every stage's row; the last six null where
 * the Result has none: without test samples, and in the rows over seeds, which summarise the
 * training metrics only).
 */
export function numberRows(result) {
  const rows = [];
  const runs = seedRuns(result);
  const across = result?.across_seeds ?? [];
  const deepest = Math.max(0, ...runs.map((r) => r.layers.length));
  for (let index = 0; index < deepest; index += 1) {
    for (const stage of STAGES) {
      for (const run of runs.filter((r) => r.layers.length > index)) {
        const layer = run.layers[index];
        const test = layer.stages_test?.[stage] ?? null;
        rows.push({
          layer: layer.layer, stage, label: String(run.seed), kind: 'seed', values: layer.stages[stage], train_acc: layer.train_acc, test_acc: layer.test_acc,
          agop_alignment: layer.agop_alignment ?? null, identity_alignment: layerIdentityAlignment(layer), agop_effective_rank: layer.agop?.effective_rank ?? null,
          singular_values: layer.stages[stage].class_mean_singular_values ?? null, test, test_singular_values: test?.class_mean_singular_values ?? null,
        });
      }
      const spread = across[index];
      if (!spread) continue;
      for (const statistic of ['mean', 'std', 'log_mean', 'log_std']) {
        const value = (s) => (s ? s[statistic] ?? null : null);
        rows.push({
          layer: spread.layer, stage, label: statistic, kind: statistic,
          values: Object.fromEntries(METRICS.map((m) => [m, value(spread.stages[stage][m])])),
          train_acc: value(spread.train_acc), test_acc: value(spread.test_acc),
          agop_alignment: null, identity_alignment: null, agop_effective_rank: null, singular_values: null, test: null, test_singular_values: null,
        });
      }
    }
  }
  return rows;
}
