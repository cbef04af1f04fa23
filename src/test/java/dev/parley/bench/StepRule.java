package dev.parley.bench;

import java.util.List;
import java.util.Optional;

/**
 * Step mode's verdict: a rate passes when at least {@code minDeliveredPercent} of the expected
 * deliveries arrived and the send-to-delivery p99 stayed under {@code maxP99Ms} (issue 13:
 * 99.9 % and 100 ms), and no connection got a seq twice or skipped one (PROTOCOL 3.4). The max sustainable rate is the highest rate of the unbroken run of passing
 * steps from the first; the run stops at the first failure.
 */
record StepRule(double minDeliveredPercent, double maxP99Ms) {

  static final StepRule ISSUE_13 = new StepRule(99.9, 100);

  /**
   * One measured step: the offered rate, what was sent and delivered (repeats not counted), the
   * p99 in ms, and the seqs that came twice or out of order.
   */
  record Step(int rate, long expected, long delivered, double p99Ms, long orderViolations) {

    double deliveredPercent() {
      return expected == 0 ? 0 : 100.0 * delivered / expected;
    }
  }

  boolean passes(Step step) {
    return step.expected() > 0 && step.orderViolations() == 0 && step.deliveredPercent() >= minDeliveredPercent && step.p99Ms() < maxP99Ms;
  }

  /** The highest rate that passed before the first failing step, if the first step passed. */
  Optional<Integer> maxSustainable(List<Step> steps) {
    Optional<Integer> best = Optional.empty();
    for (Step step : steps) {
      if (!passes(step)) {
        break;
      }
      best = Optional.of(step.rate());
    }
    return best;
  }
}
