package org.wsol.common.config;

/**
 * The name of every setting, grouped by the part of the system that reads it. {@link
 * Defaults#ENTRIES} gives each one's default and what it does; code names a setting through these
 * constants, never a string of its own (a test checks that both lists hold the same keys).
 */
public final class SettingKeys {
  private SettingKeys() {}

  // Where the brokers are.
  public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";

  // Topics, and how a service creates a missing one (Topics).
  public static final String TOPIC_IMAGES = "topic.images";
  public static final String TOPIC_SALIENCY = "topic.saliency";
  public static final String TOPIC_BOXES = "topic.boxes";
  public static final String TOPIC_RESULTS = "topic.results";
  public static final String TOPIC_DEAD_LETTER = "topic.dead.letter";
  public static final String TOPIC_PARTITIONS = "topic.partitions";
  public static final String TOPIC_REPLICATION_FACTOR = "topic.replication.factor";

  // How records are encoded (WireFormat).
  public static final String WIRE_FORMAT = "wire.format";
  public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";

  // Consumer-group membership of the saliency and segmenter stages (GroupMembership).
  public static final String STAGE_GROUP_PROTOCOL = "stage.group.protocol";
  public static final String STAGE_INSTANCE_LEAVE_ON_CLOSE = "stage.instance.leave.on.close";
  public static final String SALIENCY_INSTANCE_ID = "saliency.instance.id";
  public static final String SEGMENTER_INSTANCE_ID = "segmenter.instance.id";

  // The localisation mode, which fills empty saliency and segmenter settings (LocalizationMode).
  public static final String LOCALIZATION_MODE = "localization.mode";

  // The saliency service and the images it accepts (SaliencyConfig).
  public static final String SALIENCY_MODEL = "saliency.model";
  public static final String SALIENCY_TOP_K = "saliency.top.k";
  public static final String SALIENCY_TEN_CROP = "saliency.ten.crop";
  public static final String SALIENCY_INPUT_SIZE = "saliency.input.size";
  public static final String SALIENCY_BATCH_SIZE = "saliency.batch.size";
  public static final String SALIENCY_MAX_CROPS_PER_PASS = "saliency.max.crops.per.pass";
  public static final String SALIENCY_METHOD = "saliency.method";
  public static final String SALIENCY_SMOOTHGRAD_SAMPLES = "saliency.smoothgrad.samples";
  public static final String SALIENCY_SMOOTHGRAD_NOISE = "saliency.smoothgrad.noise";
  public static final String SALIENCY_FULL_VIEW = "saliency.full.view";
  public static final String SALIENCY_COMBINE_CLASSES = "saliency.combine.classes";
  public static final String SALIENCY_COMBINE_WEIGHTS = "saliency.combine.weights";
  public static final String SALIENCY_BATCH_LINGER_MS = "saliency.batch.linger.ms";
  public static final String SALIENCY_BATCH_MAX_BYTES = "saliency.batch.max.bytes";
  public static final String SALIENCY_WORKING_SIZE = "saliency.working.size";
  public static final String IMAGE_MAX_BYTES = "image.max.bytes";
  public static final String IMAGE_MAX_PIXELS = "image.max.pixels";
  public static final String IMAGE_URI_FILE_ROOT = "image.uri.file.root";
  public static final String IMAGE_URI_ALLOWED_HOSTS = "image.uri.allowed.hosts";
  public static final String SALIENCY_WORKING_LOSSLESS = "saliency.working.lossless";

  // The segmenter service (SegmenterConfig).
  public static final String SEGMENTER_FG_QUANTILE = "segmenter.fg.quantile";
  public static final String SEGMENTER_BG_QUANTILE = "segmenter.bg.quantile";
  public static final String SEGMENTER_SEEDS = "segmenter.seeds";
  public static final String SEGMENTER_SMOOTHING = "segmenter.smoothing";
  public static final String SEGMENTER_BOX = "segmenter.box";
  public static final String SEGMENTER_EXTENT_MIN_SHARE = "segmenter.extent.min.share";
  public static final String SEGMENTER_THREADS = "segmenter.threads";
  public static final String SEGMENTER_MAXFLOW = "segmenter.maxflow";
  public static final String SEGMENTER_ITERATIONS = "segmenter.iterations";
  public static final String SEGMENTER_COLOUR_MODELS = "segmenter.colour.models";
  public static final String SEGMENTER_INSTANCES = "segmenter.instances";
  public static final String SEGMENTER_INSTANCES_MIN_SCORE = "segmenter.instances.min.score";

  // The results service (ResultsConfig).
  public static final String RESULTS_TIMEOUT_MS = "results.timeout.ms";
  public static final String RESULTS_HTTP_PORT = "results.http.port";
  public static final String RESULTS_STATE_DIR = "results.state.dir";
  public static final String RESULTS_ADVERTISED_ADDRESS = "results.advertised.address";
  public static final String RESULTS_STREAM_MAX_CLIENTS = "results.stream.max.clients";
  public static final String RESULTS_PREVIEWS_MAX_IMAGES = "results.previews.max.images";
  public static final String RESULTS_PREVIEWS_MAX_BYTES = "results.previews.max.bytes";

  // The HTTP endpoints of every service.
  public static final String HTTP_HOST = "http.host";
  public static final String METRICS_PORT = "metrics.port";

  // Kafka client settings the services set; any other kafka.* key passes through too (Settings).
  public static final String KAFKA_PRODUCER_COMPRESSION_TYPE = "kafka.producer.compression.type";
  public static final String KAFKA_PRODUCER_LINGER_MS = "kafka.producer.linger.ms";
  public static final String KAFKA_PRODUCER_BATCH_SIZE = "kafka.producer.batch.size";
  public static final String KAFKA_CONSUMER_MAX_POLL_RECORDS = "kafka.consumer.max.poll.records";
  public static final String KAFKA_CONSUMER_MAX_PARTITION_FETCH_BYTES =
      "kafka.consumer.max.partition.fetch.bytes";
  public static final String KAFKA_CONSUMER_SESSION_TIMEOUT_MS =
      "kafka.consumer.session.timeout.ms";
  public static final String KAFKA_CONSUMER_HEARTBEAT_INTERVAL_MS =
      "kafka.consumer.heartbeat.interval.ms";
  public static final String KAFKA_CONSUMER_AUTO_OFFSET_RESET = "kafka.consumer.auto.offset.reset";
}
