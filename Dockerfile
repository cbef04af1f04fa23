# Parley node image: build with Maven, run on a JRE as an unprivileged user.
#   docker build -t parley .
# PARLEY_JWT_SECRET is required and never baked in: e.g. $(head -c 48 /dev/urandom | base64), from a secret store.
#   docker run -e PARLEY_DB_HOST=db -e PARLEY_JWT_SECRET=... -e PARLEY_HTTP_HOST=0.0.0.0 \
#              -e PARLEY_CLUSTER_HOST=<this container's IP> -e PARLEY_CLUSTER_MEMBERS=... -p 8080:8080 parley

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src ./src
RUN mvn -B -q package -DskipTests

FROM eclipse-temurin:17-jre
RUN groupadd --system parley && useradd --system --gid parley --home-dir /app --shell /usr/sbin/nologin parley
WORKDIR /app
COPY --from=build /src/target/parley.jar /app/parley.jar
COPY conf/config.json /app/conf/config.json
COPY cluster.xml /app/cluster.xml
USER parley
# HTTP + WebSocket, and the Hazelcast member port (the event bus port is chosen at start). The
# management port (PARLEY_METRICS_PORT, 9464) stays on loopback unless PARLEY_METRICS_HOST says
# otherwise, so it is not exposed.
EXPOSE 8080 5701
ENV PARLEY_HTTP_HOST=0.0.0.0 \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
# Exec form: java is PID 1 and gets docker stop's SIGTERM, on which the node drains and exits
# within PARLEY_SHUTDOWN_TIMEOUT_S (20 s); give the container a longer stop timeout than that.
ENTRYPOINT ["java", "-jar", "/app/parley.jar"]
