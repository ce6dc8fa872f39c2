//! What a workload is: which workloads are data stores, by the words of their image name and
//! of their standard labels, with lists the configuration can extend (`classify:` in
//! `.spoflint.yaml`).

use super::Container;
use crate::model::Resource;

/// Words (of an image name, or of an `app.kubernetes.io/name` / `app` / chart label value)
/// that name a database, cache, queue, object store or coordination service.
pub const DATA_STORE_WORDS: &[&str] = &[
    "arangodb",
    "bookkeeper",
    "cassandra",
    "clickhouse",
    "cockroach",
    "cockroachdb",
    "consul",
    "couchbase",
    "couchdb",
    "dgraph",
    "dragonfly",
    "druid",
    "elasticsearch",
    "etcd",
    "hazelcast",
    "ignite",
    "influxdb",
    "kafka",
    "keydb",
    "mariadb",
    "memcached",
    "minio",
    "mongo",
    "mongodb",
    "mssql",
    "mysql",
    "nats",
    "neo4j",
    "opensearch",
    "percona",
    "pinot",
    "postgis",
    "postgres",
    "postgresql",
    "pulsar",
    "questdb",
    "rabbitmq",
    "redis",
    "scylla",
    "scylladb",
    "solr",
    "tidb",
    "tikv",
    "timescaledb",
    "valkey",
    "vitess",
    "yugabyte",
    "yugabytedb",
    "zookeeper",
];

/// Words that make an image a tool around a data store rather than the store itself
/// (`redis-exporter`, `kafka-ui`, `mongo-express`, `nats-server-config-reloader`).
pub const NOT_DATA_STORE_WORDS: &[&str] = &[
    "admin",
    "backup",
    "cli",
    "client",
    "commander",
    "connect",
    "console",
    "curator",
    "dashboard",
    "exporter",
    "express",
    "init",
    "metrics",
    "migrate",
    "migration",
    "migrator",
    "operator",
    "proxy",
    "reaper",
    "reloader",
    "rest",
    "restore",
    "shell",
    "sidecar",
    "tools",
    "ui",
];

/// `app.kubernetes.io/component` values that say the workload stores data.
const DATA_STORE_COMPONENTS: &[&str] = &["database", "db", "datastore", "cache", "broker", "queue"];

/// Extra words from the configuration: more data stores, and words that rule one out.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Classify {
    pub data_stores: Vec<String>,
    pub not_data_stores: Vec<String>,
    /// Which CI jobs deploy, and which registries have a mirror (`cicd:`).
    pub cicd: super::cicd::CiSettings,
}

impl Classify {
    fn is_store_word(&self, w: &str) -> bool {
        DATA_STORE_WORDS.contains(&w) || self.data_stores.iter().any(|d| d == w)
    }

    fn is_excluded_word(&self, w: &str) -> bool {
        NOT_DATA_STORE_WORDS.contains(&w) || self.not_data_stores.iter().any(|d| d == w)
    }

    /// The data store `name` (an image name or a label value) names: its first data store
    /// word, unless a word rules it out. A whole name listed by the configuration counts too
    /// (`my-db` in `data_stores`).
    fn store_in(&self, name: &str) -> Option<String> {
        let name = name.to_ascii_lowercase();
        if self.not_data_stores.contains(&name) {
            return None;
        }
        if self.data_stores.contains(&name) {
            return Some(name);
        }
        let words: Vec<&str> = name
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        if words.iter().any(|w| self.is_excluded_word(w)) {
            return None;
        }
        words
            .into_iter()
            .find(|w| self.is_store_word(w))
            .map(str::to_string)
    }

    /// The data store a StatefulSet runs: a container image named for one, else its
    /// `app.kubernetes.io/name` (or `app`) label, its chart label (`helm.sh/chart:
    /// postgresql-12.1.0`), or a data-store `app.kubernetes.io/component`.
    pub fn data_store(&self, r: &Resource, containers: &[Container]) -> Option<String> {
        if let Some(s) = containers.iter().find_map(|c| self.store_in(&c.image_name)) {
            return Some(s);
        }
        // Labels of the workload itself (those of its pods are usually the same).
        for key in ["app.kubernetes.io/name", "app", "helm.sh/chart"] {
            if let Some(v) = r.labels.get(key) {
                let v = if key == "helm.sh/chart" {
                    // `name-1.2.3`: the chart's name.
                    v.rsplit_once('-').map_or(v, |(name, _)| name)
                } else {
                    v
                };
                if let Some(s) = self.store_in(v) {
                    return Some(s);
                }
            }
        }
        r.labels
            .get("app.kubernetes.io/component")
            .filter(|c| DATA_STORE_COMPONENTS.contains(c))
            .map(str::to_string)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_words() {
        let c = Classify::default();
        for (name, want) in [
            ("postgresql-repmgr", Some("postgresql")),
            ("cassandra", Some("cassandra")),
            ("scylla", Some("scylla")),
            ("cockroach", Some("cockroach")),
            ("minio", Some("minio")),
            ("rabbitmq", Some("rabbitmq")),
            ("nats", Some("nats")),
            ("clickhouse-server", Some("clickhouse")),
            ("redis-sentinel", Some("redis")),
            ("opensearch", Some("opensearch")),
            ("redis-exporter", None),
            ("postgres-exporter", None),
            ("kafka-ui", None),
            ("mongo-express", None),
            ("nats-server-config-reloader", None),
            ("mc", None),
            ("nginx", None),
            ("redisinsight", None),
        ] {
            assert_eq!(c.store_in(name).as_deref(), want, "{name}");
        }
        let custom = Classify {
            data_stores: vec!["ledger".into(), "my-db".into()],
            not_data_stores: vec!["redis-cache-warmer".into(), "warmer".into()],
            ..Classify::default()
        };
        assert_eq!(custom.store_in("ledger-node").as_deref(), Some("ledger"));
        assert_eq!(custom.store_in("my-db").as_deref(), Some("my-db"));
        assert_eq!(custom.store_in("redis-cache-warmer"), None);
    }
}
