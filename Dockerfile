# digitnn's drawing page in a container:
#
#   docker build -t digitnn . && docker run -p 8080:8080 digitnn     ->  http://localhost:8080
#
# Stage "build" (Debian 12 with compilers and Emscripten): builds the trainer and the
# WebAssembly module and gets the page's model, in this order of preference:
#   1. a model already in the build context: site/assets/ (e.g. after scripts/quickstart.sh);
#   2. trained here with scripts/train_page_model.sh (about two minutes on two cores), from
#      MNIST's four .gz files in data/mnist/ of the context when they are there, else
#      downloaded and checked by scripts/get_mnist.sh.
# Stage "site" (Debian 12 with Python only: no compiler): serves the built site with
# scripts/serve.py as an unprivileged user. Ctrl-C / `docker stop` stop it at once.
FROM debian:12 AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      build-essential cmake ninja-build pkg-config python3 curl ca-certificates \
      libeigen3-dev libcli11-dev libfast-float-dev libfccp-dev zlib1g-dev libbenchmark-dev emscripten \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# The trainer, the model converter (site models in .nnm), nn-misread (the inside view's
# misread digits) and mnist-to-csv (the replay sample).
RUN cmake --preset release -DNN_BUILD_TESTS=OFF -DNN_BUILD_BENCH=OFF \
 && cmake --build --preset release --target trainer nn-convert nn-misread mnist-to-csv
RUN models=$(ls site/assets/*.json site/assets/*.nnm 2>/dev/null || true); \
    if [ -n "$models" ]; then \
      echo "using the model in the build context:" $models; \
    else \
      scripts/get_mnist.sh data/mnist && scripts/train_page_model.sh site/assets; \
    fi \
 && if [ -f site/assets/my_weights.json ] && [ ! -f site/assets/model.nnm ]; then \
      build/release/trainer/nn-convert site/assets/my_weights.json site/assets/model.nnm --encoding int4-b64; fi
# build/wasm/site: the page, its scripts, the module and whatever models site/assets holds.
RUN cmake --preset wasm && cmake --build --preset wasm

FROM debian:12 AS site
# python3, not python3-minimal: the server needs http.server.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --no-create-home --shell /usr/sbin/nologin web
COPY --from=build /src/scripts/serve.py /app/serve.py
COPY --from=build /src/build/wasm/site /app/site
USER web
EXPOSE 8080
# serve.py stops cleanly on SIGINT (as on Ctrl-C); a PID 1 would otherwise ignore the default SIGTERM.
STOPSIGNAL SIGINT
CMD ["python3", "/app/serve.py", "--dir", "/app/site", "--host", "0.0.0.0", "--port", "8080"]
