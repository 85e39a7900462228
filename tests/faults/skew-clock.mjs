// R18: loaded with `node --import` into one process of a fault run (NODE_OPTIONS), it moves that process's
// wall clock by FAULTS_CLOCK_SKEW_MS: Date.now() and `new Date()`. performance.now() stays (it measures
// intervals, which a skewed wall clock does not change). Node has no per-process clock without libfaketime.
const skew = Number(process.env.FAULTS_CLOCK_SKEW_MS ?? 0);
if (Number.isFinite(skew) && skew !== 0) {
  const RealDate = Date;
  class SkewedDate extends RealDate {
    /** @param {[] | [string | number | Date] | [number, number, ...number[]]} args */
    constructor(...args) {
      if (args.length === 0) super(RealDate.now() + skew);
      // @ts-expect-error Date's overloads take these argument lists; a rest spread cannot name which.
      else super(...args);
    }
    static now() {
      return RealDate.now() + skew;
    }
  }
  // Calling Date() without `new` (a string of now) is the one form this does not skew; the app does not use it.
  globalThis.Date = /** @type {DateConstructor} */ (/** @type {unknown} */ (SkewedDate));
}
