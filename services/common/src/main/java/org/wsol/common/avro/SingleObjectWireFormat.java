package org.wsol.common.avro;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** The default wire format: Avro single-object encoding; needs no extra server. */
public final class SingleObjectWireFormat implements WireFormat {
  @Override
  public <T extends SpecificRecord> Serde<T> serde(Class<T> type) {
    AvroCodec<T> codec = new AvroCodec<>(type);
    return Serdes.serdeFrom(
        (topic, record) -> record == null ? null : codec.encode(record),
        (topic, bytes) -> bytes == null ? null : codec.decode(bytes));
  }
}
