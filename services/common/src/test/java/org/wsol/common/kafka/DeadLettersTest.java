package org.wsol.common.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.wsol.common.avro.AvroCodec;
import org.wsol.schema.DeadLetter;

/**
 * A dead letter too large to send goes out without the original value, and says where the original
 * is.
 */
class DeadLettersTest {
  private final AvroCodec<DeadLetter> codec = new AvroCodec<>(DeadLetter.class);

  private DeadLetter sendThrough(int maxBytes, byte[] value) {
    MockProducer<byte[], byte[]> producer =
        new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    DeadLetters dl =
        new DeadLetters(producer, (topic, d) -> codec.encode(d), "dead", "stage", "w-1", maxBytes);
    dl.send(
        new ConsumerRecord<>("images", 3, 42L, "k".getBytes(), value),
        new BadRecordException("broken"));
    assertEquals(1, producer.history().size(), "exactly one dead letter is sent");
    assertArrayEquals("k".getBytes(), producer.history().get(0).key());
    return codec.decode(producer.history().get(0).value());
  }

  @Test
  void aRecordThatFitsTravelsWhole() {
    byte[] value = new byte[5_000];
    DeadLetter d = sendThrough(1_048_576, value);
    assertArrayEquals(value, d.getValue().array());
    assertEquals("broken", d.getReason());
  }

  @Test
  void aRecordOverTheRequestLimitIsLeftOutAndTheReasonSaysWhereItIs() {
    DeadLetter d = sendThrough(4_096, new byte[10_000]);
    assertNull(d.getValue(), "the value is left out rather than failing the send");
    assertTrue(
        d.getReason().startsWith("broken [original value of 10000 bytes left out"), d.getReason());
    assertTrue(d.getReason().contains("images-3 at offset 42"), d.getReason());
    assertEquals(42L, d.getSourceOffset());
  }
}
