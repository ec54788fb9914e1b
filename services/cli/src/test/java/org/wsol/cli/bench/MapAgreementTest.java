package org.wsol.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class MapAgreementTest {
  @Test
  void errorMeasuresAreRelativeToTheReference() {
    float[] ref = {1, -2, 4};
    assertEquals(0.25, MapAgreement.maxRelError(new float[] {1, -2, 5}, ref), 1e-9);
    assertEquals(1 / Math.sqrt(21), MapAgreement.normRelError(new float[] {1, -2, 5}, ref), 1e-9);
  }
}
