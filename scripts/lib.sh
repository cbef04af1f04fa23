# Shared helpers for Parley's scripts: make sure what Parley and its tests need is installed
# and running on this (Debian) machine. Sourced, not run.

log() { printf '[parley] %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_install() {
  log "installing $* from Debian's packages"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null \
    || { as_root apt-get update -q >/dev/null && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null; }
}

PG_HOST=${PARLEY_DB_HOST:-127.0.0.1}
PG_PORT=${PARLEY_DB_PORT:-5432}
PG_USER=${PARLEY_DB_USER:-postgres}

pg_ready() { pg_isready -q -h "$PG_HOST" -p "$PG_PORT" 2>/dev/null; }

# PostgreSQL: start it if it is down, install it if it is missing.
ensure_postgres() {
  if command -v pg_isready >/dev/null && pg_ready; then return 0; fi
  if ! command -v pg_ctlcluster >/dev/null || [ -z "$(ls /etc/postgresql 2>/dev/null)" ]; then
    apt_install postgresql
  fi
  local version
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  if ! pg_lsclusters -h 2>/dev/null | grep -q "^$version main"; then
    as_root pg_createcluster "$version" main >/dev/null
  fi
  # Local trust auth for the postgres user over TCP on loopback, as the tests expect.
  local hba="/etc/postgresql/$version/main/pg_hba.conf"
  if ! grep -q '^host all all 127.0.0.1/32 trust' "$hba"; then
    as_root sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
  fi
  log "starting PostgreSQL $version"
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null \
    || as_root pg_ctlcluster --skip-systemctl-redirect "$version" main reload
  for _ in $(seq 1 60); do pg_ready && return 0; sleep 0.5; done
  log "PostgreSQL did not come up on $PG_HOST:$PG_PORT"; return 1
}

ensure_database() {
  local name=$1
  if ! psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$name'" | grep -q 1; then
    log "creating database $name"
    psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -qc "CREATE DATABASE \"$name\"" >/dev/null
  fi
}

ensure_nginx() {
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || apt_install nginx
}

ensure_chromium() {
  [ -x /usr/bin/chromium ] || apt_install chromium
}

ensure_build_tools() {
  command -v java >/dev/null || apt_install openjdk-17-jdk-headless
  command -v mvn >/dev/null || apt_install maven
}

# Builds target/parley.jar when it is missing or older than the sources.
ensure_jar() {
  local root=$1
  local jar="$root/target/parley.jar"
  if [ ! -f "$jar" ] || [ -n "$(find "$root/src/main" "$root/pom.xml" -newer "$jar" -print -quit)" ]; then
    log "building $jar"
    (cd "$root" && mvn -B -q package -DskipTests) || return 1
  fi
}

# A development cluster CA and one PKCS12 keystore per node (node0.p12 ...) for the event bus's
# mutual TLS, made with the JDK's keytool in $1 once and reused; $2 is the number of nodes. Every
# store shares one random password, kept in $1/password. For local runs only: the CA's key lies
# beside the certificates it issued (see docs/security.md for a real deployment).
ensure_cluster_certs() {
  local dir=$1 n=$2
  local kt=(keytool -J-XX:TieredStopAtLevel=1 -J-XX:+UseSerialGC)
  mkdir -p "$dir" && chmod 700 "$dir"
  if [ ! -s "$dir/password" ]; then
    (umask 077 && head -c 24 /dev/urandom | base64 | tr -d '\n/+=' > "$dir/password")
  fi
  local pass
  pass=$(cat "$dir/password")
  if [ ! -f "$dir/truststore.p12" ]; then
    log "creating a development cluster CA in $dir"
    rm -f "$dir/ca.p12" "$dir/ca.pem"
    "${kt[@]}" -genkeypair -alias ca -keyalg EC -groupname secp256r1 -dname "CN=Parley development cluster CA" \
      -ext bc:c=ca:true,pathlen:0 -ext ku:c=keyCertSign,cRLSign -validity 3650 \
      -storetype PKCS12 -keystore "$dir/ca.p12" -storepass "$pass" >/dev/null 2>&1 &&
    "${kt[@]}" -exportcert -rfc -alias ca -keystore "$dir/ca.p12" -storepass "$pass" -file "$dir/ca.pem" >/dev/null 2>&1 &&
    "${kt[@]}" -importcert -noprompt -alias ca -file "$dir/ca.pem" -storetype PKCS12 \
      -keystore "$dir/truststore.p12" -storepass "$pass" >/dev/null 2>&1 \
      || { log "keytool could not create the CA in $dir"; rm -f "$dir/truststore.p12"; return 1; }
  fi
  local i name
  for i in $(seq 0 $((n - 1))); do
    name=node$i
    [ -f "$dir/$name.p12" ] && continue
    log "issuing a certificate for $name"
    "${kt[@]}" -genkeypair -alias node -keyalg EC -groupname secp256r1 -dname "CN=parley-$name" -validity 825 \
      -storetype PKCS12 -keystore "$dir/$name.tmp.p12" -storepass "$pass" >/dev/null 2>&1 &&
    "${kt[@]}" -certreq -alias node -keystore "$dir/$name.tmp.p12" -storepass "$pass" -file "$dir/$name.csr" >/dev/null 2>&1 &&
    "${kt[@]}" -gencert -alias ca -keystore "$dir/ca.p12" -storepass "$pass" -infile "$dir/$name.csr" \
      -outfile "$dir/$name.pem" -rfc -validity 825 -ext ku:c=digitalSignature -ext eku=serverAuth,clientAuth \
      -ext san=ip:127.0.0.1 >/dev/null 2>&1 &&
    cat "$dir/$name.pem" "$dir/ca.pem" > "$dir/$name-chain.pem" &&
    "${kt[@]}" -importcert -noprompt -alias node -file "$dir/$name-chain.pem" -keystore "$dir/$name.tmp.p12" \
      -storepass "$pass" >/dev/null 2>&1 &&
    mv "$dir/$name.tmp.p12" "$dir/$name.p12" \
      || { log "keytool could not issue the certificate for $name in $dir"; rm -f "$dir/$name.tmp.p12"; return 1; }
    rm -f "$dir/$name.csr" "$dir/$name.pem" "$dir/$name-chain.pem"
  done
}

# Compiles the test sources and prints the class path the benchmarks run on (bench/*.sh; run
# from the project root).
bench_classpath() {
  mvn -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath \
    -Dmdep.includeScope=test >/dev/null
  echo "target/test-classes:target/classes:$(cat target/bench.classpath)"
}
