package org.wsol.common.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every setting with its default and one line on what it does; the README's configuration table
 * comes from here.
 */
public final class Defaults {
  private Defaults() {}

  public record Entry(String key, String value, String doc) {}

  public static final Entry[] ENTRIES = {
    new Entry(
        SettingKeys.BOOTSTRAP_SERVERS,
        "127.0.0.1:9092",
        "Kafka brokers; ./wsol broker prints its address and writes it to .wsol/bootstrap"),
    new Entry(SettingKeys.TOPIC_IMAGES, "images", "ImageEvent records, keyed by image id"),
    new Entry(
        SettingKeys.TOPIC_SALIENCY, "saliency", "SaliencyTensor records, one per image and class"),
    new Entry(SettingKeys.TOPIC_BOXES, "boxes", "BoxResult records, one per image and class"),
    new Entry(
        SettingKeys.TOPIC_RESULTS,
        "results",
        "LocalizationResult records, one per image (compacted)"),
    new Entry(
        SettingKeys.TOPIC_DEAD_LETTER,
        "dead-letter",
        "DeadLetter records: what failed, where, why, and the original bytes"),
    new Entry(
        SettingKeys.TOPIC_PARTITIONS,
        "6",
        "partitions when a service creates a missing topic (segmenters beyond this count sit idle)"),
    new Entry(
        SettingKeys.TOPIC_REPLICATION_FACTOR,
        "",
        "replicas when a service creates a missing topic; empty = the broker's default.replication.factor (./wsol broker --brokers 3 sets 3, with min.insync.replicas=2)"),
    new Entry(
        SettingKeys.WIRE_FORMAT,
        "single-object",
        "Avro wire format: single-object (C3 01 + schema fingerprint, no server) or registry (Confluent's 00 + schema id, needs schema.registry.url)"),
    new Entry(
        SettingKeys.SCHEMA_REGISTRY_URL,
        "",
        "Confluent-compatible schema registry API for wire.format=registry, e.g. http://registry:8080/apis/ccompat/v7 (Apicurio) or http://schema-registry:8081 (Confluent)"),
    new Entry(
        SettingKeys.SALIENCY_MODEL,
        "bundled",
        "'bundled' (MobileNetV2), a TorchScript file with a .json sidecar, or the sidecar itself"),
    new Entry(
        SettingKeys.SALIENCY_TOP_K, "5", "classes localised per image when the event does not say"),
    new Entry(
        SettingKeys.SALIENCY_TEN_CROP,
        "",
        "paper's 10-crop averaging (4 corners + centre, mirrored); false = single view (the whole working image at the input size); empty = as localization.mode says (true but for cam-rect)"),
    new Entry(
        SettingKeys.SALIENCY_INPUT_SIZE,
        "",
        "side of the square network input in pixels: 'model' = the model's own (224 for the bundled one); a larger input gives a finer class activation map; empty = as localization.mode says (cam-rect: 320)"),
    new Entry(
        SettingKeys.SALIENCY_BATCH_SIZE,
        "8",
        "images per model call, gathered from the topic (see saliency.batch.linger.ms)"),
    new Entry(
        SettingKeys.SALIENCY_MAX_CROPS_PER_PASS,
        "auto",
        "network inputs per forward/backward pass; a call with more runs in several passes, never splitting an image's 10 crops; auto = the pass size (up to saliency.batch.size images) that costs least per image, timed at start and logged; a number fixes it (memory bound)"),
    new Entry(
        SettingKeys.SALIENCY_METHOD,
        "",
        "the map of each class: gradient (Simonyan et al.: max over channels of abs(dS_c/dI), the paper), cam (Zhou et al.'s class activation map, resized from the last 7x7 feature map) or gradient-cam (the gradient map times the CAM's positive part, crop by crop; same passes as gradient); empty = as localization.mode says"),
    new Entry(
        SettingKeys.SALIENCY_SMOOTHGRAD_SAMPLES,
        "1",
        "SmoothGrad (Smilkov et al. 2017): each crop's map is the mean over this many noisy copies, classes ranked on the clean crop (1 = off, the paper; costs this many times the saliency passes)"),
    new Entry(
        SettingKeys.SALIENCY_SMOOTHGRAD_NOISE,
        "0.15",
        "SmoothGrad noise σ as a share of a crop's input value range (Smilkov et al. recommend 0.10-0.20)"),
    new Entry(
        SettingKeys.SALIENCY_FULL_VIEW,
        "false",
        "with saliency.ten.crop: also the whole working image resized to the input size and its mirror, their maps averaged in as two more crops covering every pixel (classes still ranked on the 10 crops; 1.2x the passes)"),
    new Entry(
        SettingKeys.SALIENCY_COMBINE_CLASSES,
        "false",
        "every emitted map (each top-k rank and the ground-truth class) becomes the mean of the image's top-k maps, each divided by its maximum: a class-agnostic object map at no extra network pass (false = each class's own map, the paper)"),
    new Entry(
        SettingKeys.SALIENCY_COMBINE_WEIGHTS,
        "equal",
        "with saliency.combine.classes: equal (plain mean) or softmax (each class weighed by its probability renormalised over the top k)"),
    new Entry(
        SettingKeys.SALIENCY_BATCH_LINGER_MS,
        "20",
        "wait this long for a batch to fill before running a partial one"),
    new Entry(
        SettingKeys.SALIENCY_BATCH_MAX_BYTES,
        "4000000",
        "stop gathering a batch once its encoded images weigh this much, so that large images cannot fill the heap while a batch waits"),
    new Entry(
        SettingKeys.SALIENCY_WORKING_SIZE,
        "",
        "shorter side of the working image the map aligns to and GraphCut cuts; empty = as localization.mode says (cam-rect: 192, the others: 256, the paper's)"),
    new Entry(SettingKeys.IMAGE_MAX_BYTES, "20000000", "larger encoded images are dead-lettered"),
    new Entry(
        SettingKeys.IMAGE_MAX_PIXELS,
        "40000000",
        "images declaring more pixels are refused before decoding (decompression bombs)"),
    new Entry(
        SettingKeys.IMAGE_URI_FILE_ROOT,
        "",
        "file: image URIs are read only below this folder (empty = refused)"),
    new Entry(
        SettingKeys.IMAGE_URI_ALLOWED_HOSTS,
        "",
        "comma-separated hosts that http(s) image URIs may name (empty = refused); redirects are never followed"),
    new Entry(
        SettingKeys.SALIENCY_WORKING_LOSSLESS,
        "false",
        "send the working image as PNG instead of JPEG quality 95 (bigger records)"),
    new Entry(
        SettingKeys.SEGMENTER_FG_QUANTILE,
        "0.95",
        "saliency quantile above which pixels seed the foreground"),
    new Entry(
        SettingKeys.SEGMENTER_BG_QUANTILE,
        "0.30",
        "saliency quantile below which pixels seed the background"),
    new Entry(
        SettingKeys.LOCALIZATION_MODE,
        "cam-rect",
        "cam-rect (the default, see BENCHMARKS.md: the class activation map of the whole image at 320 px, GrabCut from the rectangle around its mass, the largest component), paper (Simonyan et al. 2014 as published), gcam-extent (the default before), extent, smooth, smooth-extent, iter, extent-iter, grabcut, grabcut-extent, cam, cam-extent or gcam; fills saliency.method, saliency.ten.crop, saliency.input.size, saliency.working.size, segmenter.seeds, segmenter.smoothing, segmenter.box, segmenter.iterations and segmenter.colour.models when they are empty"),
    new Entry(
        SettingKeys.SEGMENTER_SEEDS,
        "",
        "quantiles (the paper: foreground above segmenter.fg.quantile, background below segmenter.bg.quantile) or mass-box (GrabCut from the rectangle around the map's mass, see MassBoxSeeds); empty = as localization.mode says"),
    new Entry(
        SettingKeys.SEGMENTER_SMOOTHING,
        "",
        "σ of a Gaussian blur of the saliency map before seeding, as a share of the map's shorter side (0 = none); empty = as localization.mode says"),
    new Entry(
        SettingKeys.SEGMENTER_BOX,
        "",
        "largest (box of the largest foreground component, the paper) or extent (box of every component of at least segmenter.extent.min.share of the image); empty = as localization.mode says"),
    new Entry(
        SettingKeys.SEGMENTER_EXTENT_MIN_SHARE,
        "0.01",
        "with segmenter.box=extent: smaller components are noise (half a cell of the network's 7x7 output grid is 1% of the image)"),
    new Entry(
        SettingKeys.SEGMENTER_THREADS,
        "",
        "GraphCut worker threads inside one segmenter process (one consumer; a poll's records are segmented in parallel, committed after all are acknowledged; the next poll's records start while its last ones finish); empty = the cores the JVM sees. A poll takes up to kafka.consumer.max.poll.records (8) records a thread of what is already fetched, so its GraphCuts take as long as 8 on one thread (0.05-0.6 s each), far inside max.poll.interval.ms"),
    new Entry(
        SettingKeys.SEGMENTER_MAXFLOW,
        "bk",
        "max-flow solver of the GraphCut: bk (Boykov-Kolmogorov, as OpenCV; the default) or ibfs (incremental breadth-first search); both give the same cut, they differ in speed (BENCHMARKS.md, Segmenter: equal within noise so far)"),
    new Entry(
        SettingKeys.SEGMENTER_ITERATIONS,
        "",
        "GraphCut iterations (re-fit colour models, re-cut); empty = as localization.mode says (paper: 1)"),
    new Entry(
        SettingKeys.SEGMENTER_COLOUR_MODELS,
        "",
        "first colour models from: 'seeds' (paper), 'grabcut' (background also from undecided pixels, as OpenCV) or 'rect' (foreground also from undecided pixels, as grabCut from a rectangle); empty = as localization.mode says"),
    new Entry(
        SettingKeys.SEGMENTER_INSTANCES,
        "components",
        "objects reported beside each class's main box (ClassBox.instances; the main box does not change): components (the connected parts of the cut's foreground, no extra cost), peaks (a cut of its own for each local maximum of the map: up to 8 more cuts per class), split (the foreground split where the map has several maxima) or none"),
    new Entry(
        SettingKeys.SEGMENTER_INSTANCES_MIN_SCORE,
        "0",
        "an instance counts when the map's peak inside it is at least this share of the map's maximum (0..1; chosen on imagenet-val-400, see BENCHMARKS.md); parts under 1% of the image never count"),
    new Entry(
        SettingKeys.RESULTS_TIMEOUT_MS,
        "60000",
        "emit an image's result as incomplete (with missing_ranks) when a box is still missing this long after its first box arrived"),
    new Entry(
        SettingKeys.RESULTS_HTTP_PORT,
        "8080",
        "HTTP port of the results service (0 = any free port)"),
    new Entry(
        SettingKeys.RESULTS_STATE_DIR,
        "",
        "folder of the results state stores (RocksDB); empty = a temporary folder deleted on exit, rebuilt from the changelog at start"),
    new Entry(
        SettingKeys.RESULTS_ADVERTISED_ADDRESS,
        "",
        "host:port at which other results instances reach this one's HTTP API (Kafka Streams application.server); empty = http.host and the bound port"),
    new Entry(
        SettingKeys.RESULTS_STREAM_MAX_CLIENTS,
        "64",
        "server-sent-event clients of GET /images/stream per results instance; more get 503"),
    new Entry(
        SettingKeys.RESULTS_PREVIEWS_MAX_IMAGES,
        "300",
        "images whose working image and saliency maps the results service keeps in memory for the live page (newest first; 0 = no previews, the page shows boxes on grey)"),
    new Entry(
        SettingKeys.RESULTS_PREVIEWS_MAX_BYTES,
        "50000000",
        "bound on the memory those previews take (about 100 KB per image of top-5)"),
    new Entry(
        SettingKeys.HTTP_HOST,
        "127.0.0.1",
        "address the HTTP endpoints bind to (0.0.0.0 in containers)"),
    new Entry(
        SettingKeys.METRICS_PORT,
        "0",
        "port of /health/live, /health/ready and /metrics for saliency and segmenter (0 = any free port, logged)"),
    new Entry(
        SettingKeys.KAFKA_PRODUCER_COMPRESSION_TYPE,
        "zstd",
        "producers compress batches: a saliency record (half-float map + JPEG working image, ~210 KB) stores ~10% smaller, at well under 1% of saliency's CPU (BENCHMARKS.md, Pipeline)"),
    new Entry(
        SettingKeys.KAFKA_PRODUCER_LINGER_MS,
        "5",
        "producers wait up to 5 ms to fill a batch; the stages flush after each poll anyway, and 5 ms is nothing next to a stage's ~0.1-1 s per record"),
    new Entry(
        SettingKeys.KAFKA_PRODUCER_BATCH_SIZE,
        "524288",
        "bytes per producer batch (Kafka's default is 16 KB): an image's top-k saliency records (~210 KB each, one key) then share a batch and store ~5% smaller (bench A/B); stays under a default broker's 1 MB message.max.bytes"),
    new Entry(
        SettingKeys.KAFKA_CONSUMER_MAX_POLL_RECORDS,
        "8",
        "records per poll = one saliency batch: a poll's work (~1 CPU s per image single-crop, ~20 s ten-crop top-5) must end within max.poll.interval.ms (300 s) even on a busy machine, or the group rebalances and replays it"),
    new Entry(
        SettingKeys.KAFKA_CONSUMER_MAX_PARTITION_FETCH_BYTES,
        "1048576",
        "bytes fetched per partition per request (Kafka's default): ~5 saliency records, so a fetch over a few partitions fills a poll of 8 while the previous poll is processed"),
    new Entry(
        SettingKeys.KAFKA_CONSUMER_SESSION_TIMEOUT_MS,
        "10000",
        "a killed worker's partitions move to the others after 10 s instead of Kafka's 45 s (classic protocol; under the consumer protocol the broker's group.consumer.session.timeout.ms, 10 s on ./wsol broker)"),
    new Entry(
        SettingKeys.KAFKA_CONSUMER_HEARTBEAT_INTERVAL_MS,
        "3000",
        "a third of the session timeout, as Kafka recommends"),
    new Entry(
        SettingKeys.STAGE_GROUP_PROTOCOL,
        "consumer",
        "rebalance protocol of the saliency and segmenter consumer groups: consumer (Kafka 4's, KIP-848; needs brokers 4.0+: members keep working while partitions move, a shorter pause than classic's when polls are long, BENCHMARKS.md; session timeout and heartbeat are the broker's group.consumer.* settings, 45 s / 5 s unless set there) or classic (the eager range assignor; kafka.consumer.session.timeout.ms and heartbeat.interval.ms apply)"),
    new Entry(
        SettingKeys.SEGMENTER_INSTANCE_ID,
        "",
        "static group membership (group.instance.id), e.g. the Kubernetes pod name: a segmenter restarted within the session timeout gets its partitions back without a rebalance; must differ between segmenters; empty = dynamic"),
    new Entry(
        SettingKeys.SALIENCY_INSTANCE_ID,
        "",
        "as segmenter.instance.id, for the saliency service's group"),
    new Entry(
        SettingKeys.STAGE_INSTANCE_LEAVE_ON_CLOSE,
        "true",
        "with an instance id: a graceful stop leaves the group at once, so that its partitions move now (a Deployment's pod, whose name does not come back), while a crashed member keeps them for the session timeout (its container restarts in the same pod); false = a graceful stop keeps them too (StatefulSet pods return under their name)"),
    new Entry(
        SettingKeys.KAFKA_CONSUMER_AUTO_OFFSET_RESET,
        "earliest",
        "a new consumer group starts from the beginning of each topic, so nothing produced before it started is lost"),
  };

  public static final Map<String, String> VALUES = new LinkedHashMap<>();

  static {
    for (Entry e : ENTRIES) {
      VALUES.put(e.key(), e.value());
    }
  }
}
