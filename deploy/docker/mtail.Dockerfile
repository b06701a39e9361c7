# mtail from Debian (the version the tests run): turns nginx's access log into Prometheus counters
# (deploy/mtail/*.mtail). Used by docker-compose.yml.
FROM debian:bookworm-slim
RUN apt-get update \
  && apt-get install -y --no-install-recommends mtail \
  && rm -rf /var/lib/apt/lists/*
EXPOSE 3903
ENTRYPOINT ["mtail", "--logtostderr"]
