#!/bin/bash
# Docker HEALTHCHECK: 0 when GET /health/live answers 200 on the metrics port (saliency, segmenter)
# or on the results HTTP port (results). Uses bash's /dev/tcp so the image needs no curl/wget.
# Liveness only: readiness (/health/ready) is for orchestrators, a broker outage must not restart us.
probe() {
  { exec 3<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null || return 1
  printf 'GET /health/live HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3
  local status
  IFS= read -r -t 4 status <&3 || { exec 3>&-; return 1; }
  exec 3>&-
  [[ "$status" == HTTP/1.?" 200"* ]]
}
probe "${WSOL_METRICS_PORT:-9400}" || probe "${WSOL_RESULTS_HTTP_PORT:-8080}"
