package org.wsol.segmenter.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.wsol.broker.EmbeddedBroker;
import org.wsol.common.avro.AvroCodec;
import org.wsol.common.config.Settings;
import org.wsol.common.image.HalfFloats;
import org.wsol.common.kafka.TopicTail;
import org.wsol.common.kafka.Topics;
import org.wsol.schema.BoxResult;
import org.wsol.schema.DeadLetter;
import org.wsol.schema.MapDtype;
import org.wsol.schema.SaliencyTensor;

/**
 * Bad saliency records to the running segmenter service (real broker): each lands on the
 * dead-letter topic with stage, reason, source and original bytes; the good record after it still
 * gets its box.
 */
class SegmenterBadInputIT {
  static EmbeddedBroker broker;
  static Topics topics;
  static SegmenterService service;
  static KafkaProducer<byte[], byte[]> producer;
  static TopicTail deadLetters;
  static TopicTail boxes;
  static final AvroCodec<SaliencyTensor> tensors = new AvroCodec<>(SaliencyTensor.class);
  static final AvroCodec<DeadLetter> dead = new AvroCodec<>(DeadLetter.class);
  static final AvroCodec<BoxResult> results = new AvroCodec<>(BoxResult.class);

  @BeforeAll
  static void start() {
    broker = EmbeddedBroker.start();
    Settings s =
        Settings.load(
            null,
            Map.of(),
            Map.of("bootstrap.servers", broker.bootstrapServers(), "topic.partitions", "2"));
    topics = Topics.from(s);
    service = new SegmenterService(s).start();
    producer =
        new KafkaProducer<>(s.producer(), new ByteArraySerializer(), new ByteArraySerializer());
    deadLetters = new TopicTail(s, topics.deadLetter());
    boxes = new TopicTail(s, topics.boxes());
  }

  @AfterAll
  static void stop() {
    producer.close();
    deadLetters.close();
    boxes.close();
    service.close();
    broker.close();
  }

  static RecordMetadata send(String key, byte[] value) throws Exception {
    return producer
        .send(new ProducerRecord<>(topics.saliency(), key.getBytes(StandardCharsets.UTF_8), value))
        .get();
  }

  static DeadLetter assertDeadLettered(String key, SaliencyTensor bad, String... reasonParts)
      throws Exception {
    byte[] value = tensors.encode(bad);
    RecordMetadata where = send(key, value);
    String good = key + "-then-good";
    send(good, tensors.encode(SyntheticTensors.tensor(good, 1, 1).build()));

    ConsumerRecord<byte[], byte[]> r = deadLetters.awaitKey(key, Duration.ofSeconds(30));
    DeadLetter d = dead.decode(r.value());
    assertEquals("segmenter", d.getStage());
    for (String part : reasonParts) {
      assertTrue(
          d.getReason().contains(part),
          "reason '" + d.getReason() + "' should mention '" + part + "'");
    }
    assertEquals(topics.saliency(), d.getSourceTopic());
    assertEquals(where.partition(), d.getSourcePartition());
    assertEquals(where.offset(), d.getSourceOffset());
    assertArrayEquals(value, d.getValue().array(), "the dead letter must carry the original bytes");

    BoxResult b = results.decode(boxes.awaitKey(good, Duration.ofSeconds(30)).value());
    assertNotNull(b.getBox().getBox(), "the good record after a bad one gets its box");
    assertTrue(service.isRunning());
    return d;
  }

  @Test
  void goodRecordGetsTheSquaresBox() throws Exception {
    send("good", tensors.encode(SyntheticTensors.tensor("good", 1, 1).build()));
    BoxResult b = results.decode(boxes.awaitKey("good", Duration.ofSeconds(30)).value());
    org.wsol.schema.Box box = b.getBox().getBox();
    // The square covers x, y in [9, 24) of 32; the box is in original pixels (x4).
    assertTrue(
        box.getXMin() >= 28 && box.getXMin() <= 44 && box.getXMax() >= 84 && box.getXMax() <= 100,
        box.toString());
  }

  @Test
  void workingImageOfAnotherSizeThanTheMap() throws Exception {
    SaliencyTensor bad =
        SyntheticTensors.tensor("shape", 1, 1)
            .setWorkingImage(ByteBuffer.wrap(SyntheticTensors.workingImage(40, 30)))
            .build();
    assertDeadLettered("shape", bad, "is 40x30 but must be 32x32", "align");
  }

  @Test
  void mapDataOfAnotherSizeThanItsShape() throws Exception {
    SaliencyTensor bad = SyntheticTensors.tensor("map-size", 1, 1).setMapWidth(33).build();
    assertDeadLettered("map-size", bad, "map_data holds 2048 bytes", "33x32");
  }

  @Test
  void shapeThatWouldOverflowIsRefused() throws Exception {
    // 65536 x 65536 wraps to 0 in int arithmetic: with empty data it must still be refused.
    SaliencyTensor bad =
        SyntheticTensors.tensor("overflow", 1, 1)
            .setMapWidth(65536)
            .setMapHeight(65536)
            .setMapData(ByteBuffer.allocate(0))
            .build();
    assertDeadLettered("overflow", bad, "65536x65536");
  }

  @Test
  void nanInTheMap() throws Exception {
    float[] map = SyntheticTensors.blob(32, 32);
    map[5 * 32 + 7] = Float.NaN;
    SaliencyTensor bad =
        SyntheticTensors.tensor("nan", 1, 1)
            .setMapDtype(MapDtype.FLOAT32)
            .setMapData(SyntheticTensors.float32(map))
            .build();
    assertDeadLettered("nan", bad, "NaN", "(7,5)", "not finite", "'nan' rank 1");
  }

  @Test
  void infinityInAHalfFloatMap() throws Exception {
    float[] map = SyntheticTensors.blob(32, 32);
    map[3] = Float.POSITIVE_INFINITY;
    SaliencyTensor bad =
        SyntheticTensors.tensor("inf", 2, 2)
            .setMapData(ByteBuffer.wrap(HalfFloats.encode(map)))
            .build();
    assertDeadLettered("inf", bad, "Infinity", "not finite");
  }

  @Test
  void corruptWorkingImage() throws Exception {
    byte[] jpg = SyntheticTensors.workingImage(32, 32);
    SaliencyTensor bad =
        SyntheticTensors.tensor("corrupt-working", 1, 1)
            .setWorkingImage(ByteBuffer.wrap(java.util.Arrays.copyOf(jpg, jpg.length / 2)))
            .build();
    assertDeadLettered("corrupt-working", bad, "corrupt or truncated");
  }

  @Test
  void notASaliencyRecord() throws Exception {
    byte[] garbage = "not avro at all".getBytes(StandardCharsets.UTF_8);
    RecordMetadata where = send("garbage", garbage);
    DeadLetter d = dead.decode(deadLetters.awaitKey("garbage", Duration.ofSeconds(30)).value());
    assertTrue(d.getReason().contains("not an Avro single-object record"), d.getReason());
    assertEquals(where.offset(), d.getSourceOffset());
    assertArrayEquals(garbage, d.getValue().array());
  }
}
