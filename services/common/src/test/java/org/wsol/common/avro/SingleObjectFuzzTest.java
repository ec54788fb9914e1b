package org.wsol.common.avro;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.wsol.schema.BoxResult;
import org.wsol.schema.DeadLetter;
import org.wsol.schema.ImageEvent;
import org.wsol.schema.SaliencyTensor;

/**
 * Record bytes from outside in the default wire format (Avro single-object: C3 01, schema
 * fingerprint, body), decoded as each record type a service reads: a record, or a {@link
 * WireFormatException} that says why. Any other exception or error (an out-of-memory from a forged
 * length among them) is a finding.
 */
class SingleObjectFuzzTest {
  static final List<AvroCodec<? extends SpecificRecord>> CODECS =
      List.of(
          new AvroCodec<>(ImageEvent.class),
          new AvroCodec<>(SaliencyTensor.class),
          new AvroCodec<>(BoxResult.class),
          new AvroCodec<>(DeadLetter.class));

  @FuzzTest(maxDuration = "60s")
  void decodeGivesARecordOrAWireFormatException(byte[] bytes) {
    for (AvroCodec<? extends SpecificRecord> codec : CODECS) {
      try {
        assertNotNull(codec.decode(bytes));
      } catch (WireFormatException e) {
        assertFalse(e.getMessage() == null || e.getMessage().isBlank(), "a refusal says why");
      }
    }
  }
}
