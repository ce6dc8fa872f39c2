//! Amazon Web Services: the resource types spoflint judges, and how to read them.

use super::{
    DnsRecordKind, DnsZoneKind, GlobalGroup, Kind, PlacementVia, Private, Provider, RecordName,
    RecordZone, ReplicaLink, ResourceType, SubnetKind,
};
use crate::finding::Layer;

// Network.
pub const LB: ResourceType = ResourceType("aws_lb");
pub const ALB: ResourceType = ResourceType("aws_alb");
pub const ELB: ResourceType = ResourceType("aws_elb");
pub const LB_TARGET_GROUP: ResourceType = ResourceType("aws_lb_target_group");
pub const ALB_TARGET_GROUP: ResourceType = ResourceType("aws_alb_target_group");
pub const LB_LISTENER: ResourceType = ResourceType("aws_lb_listener");
pub const ALB_LISTENER: ResourceType = ResourceType("aws_alb_listener");
pub const LB_LISTENER_RULE: ResourceType = ResourceType("aws_lb_listener_rule");
pub const ALB_LISTENER_RULE: ResourceType = ResourceType("aws_alb_listener_rule");
pub const LB_TARGET_GROUP_ATTACHMENT: ResourceType = ResourceType("aws_lb_target_group_attachment");
pub const ALB_TARGET_GROUP_ATTACHMENT: ResourceType =
    ResourceType("aws_alb_target_group_attachment");
pub const AUTOSCALING_ATTACHMENT: ResourceType = ResourceType("aws_autoscaling_attachment");
pub const NAT_GATEWAY: ResourceType = ResourceType("aws_nat_gateway");
pub const ROUTE_TABLE: ResourceType = ResourceType("aws_route_table");
pub const ROUTE: ResourceType = ResourceType("aws_route");
pub const ROUTE_TABLE_ASSOCIATION: ResourceType = ResourceType("aws_route_table_association");
pub const API_GATEWAY_REST_API: ResourceType = ResourceType("aws_api_gateway_rest_api");
pub const APIGATEWAYV2_API: ResourceType = ResourceType("aws_apigatewayv2_api");
pub const API_GATEWAY_DOMAIN_NAME: ResourceType = ResourceType("aws_api_gateway_domain_name");
pub const APIGATEWAYV2_DOMAIN_NAME: ResourceType = ResourceType("aws_apigatewayv2_domain_name");
pub const TRANSIT_GATEWAY_VPC_ATTACHMENT: ResourceType =
    ResourceType("aws_ec2_transit_gateway_vpc_attachment");
pub const VPN_CONNECTION: ResourceType = ResourceType("aws_vpn_connection");
pub const DX_CONNECTION: ResourceType = ResourceType("aws_dx_connection");
pub const DX_GATEWAY_ASSOCIATION: ResourceType = ResourceType("aws_dx_gateway_association");
pub const CLOUDFRONT_DISTRIBUTION: ResourceType = ResourceType("aws_cloudfront_distribution");
pub const GLOBALACCELERATOR_ACCELERATOR: ResourceType =
    ResourceType("aws_globalaccelerator_accelerator");
pub const GLOBALACCELERATOR_LISTENER: ResourceType = ResourceType("aws_globalaccelerator_listener");
pub const GLOBALACCELERATOR_ENDPOINT_GROUP: ResourceType =
    ResourceType("aws_globalaccelerator_endpoint_group");
pub const SUBNET: ResourceType = ResourceType("aws_subnet");
pub const DEFAULT_SUBNET: ResourceType = ResourceType("aws_default_subnet");
// Compute and control.
pub const AUTOSCALING_GROUP: ResourceType = ResourceType("aws_autoscaling_group");
pub const EKS_NODE_GROUP: ResourceType = ResourceType("aws_eks_node_group");
pub const INSTANCE: ResourceType = ResourceType("aws_instance");
pub const EKS_CLUSTER: ResourceType = ResourceType("aws_eks_cluster");
pub const ECS_SERVICE: ResourceType = ResourceType("aws_ecs_service");
pub const ELASTIC_BEANSTALK_ENVIRONMENT: ResourceType =
    ResourceType("aws_elastic_beanstalk_environment");
pub const APPAUTOSCALING_TARGET: ResourceType = ResourceType("aws_appautoscaling_target");
pub const LAMBDA_FUNCTION: ResourceType = ResourceType("aws_lambda_function");
// Data.
pub const DB_INSTANCE: ResourceType = ResourceType("aws_db_instance");
pub const RDS_CLUSTER: ResourceType = ResourceType("aws_rds_cluster");
pub const RDS_CLUSTER_INSTANCE: ResourceType = ResourceType("aws_rds_cluster_instance");
pub const RDS_GLOBAL_CLUSTER: ResourceType = ResourceType("aws_rds_global_cluster");
pub const ELASTICACHE_REPLICATION_GROUP: ResourceType =
    ResourceType("aws_elasticache_replication_group");
pub const ELASTICACHE_GLOBAL_REPLICATION_GROUP: ResourceType =
    ResourceType("aws_elasticache_global_replication_group");
pub const ELASTICACHE_CLUSTER: ResourceType = ResourceType("aws_elasticache_cluster");
pub const S3_BUCKET: ResourceType = ResourceType("aws_s3_bucket");
pub const S3_BUCKET_REPLICATION_CONFIGURATION: ResourceType =
    ResourceType("aws_s3_bucket_replication_configuration");
pub const DYNAMODB_TABLE: ResourceType = ResourceType("aws_dynamodb_table");
pub const DYNAMODB_TABLE_REPLICA: ResourceType = ResourceType("aws_dynamodb_table_replica");
pub const EFS_FILE_SYSTEM: ResourceType = ResourceType("aws_efs_file_system");
pub const EFS_MOUNT_TARGET: ResourceType = ResourceType("aws_efs_mount_target");
pub const EFS_REPLICATION_CONFIGURATION: ResourceType =
    ResourceType("aws_efs_replication_configuration");
pub const MSK_CLUSTER: ResourceType = ResourceType("aws_msk_cluster");
pub const MSK_CONFIGURATION: ResourceType = ResourceType("aws_msk_configuration");
pub const OPENSEARCH_DOMAIN: ResourceType = ResourceType("aws_opensearch_domain");
pub const ELASTICSEARCH_DOMAIN: ResourceType = ResourceType("aws_elasticsearch_domain");
pub const OPENSEARCHSERVERLESS_COLLECTION: ResourceType =
    ResourceType("aws_opensearchserverless_collection");
pub const DOCDB_CLUSTER: ResourceType = ResourceType("aws_docdb_cluster");
pub const DOCDB_CLUSTER_INSTANCE: ResourceType = ResourceType("aws_docdb_cluster_instance");
pub const DOCDB_GLOBAL_CLUSTER: ResourceType = ResourceType("aws_docdb_global_cluster");
pub const NEPTUNE_CLUSTER: ResourceType = ResourceType("aws_neptune_cluster");
pub const NEPTUNE_CLUSTER_INSTANCE: ResourceType = ResourceType("aws_neptune_cluster_instance");
pub const NEPTUNE_GLOBAL_CLUSTER: ResourceType = ResourceType("aws_neptune_global_cluster");
pub const REDSHIFT_CLUSTER: ResourceType = ResourceType("aws_redshift_cluster");
pub const MQ_BROKER: ResourceType = ResourceType("aws_mq_broker");
pub const FSX_WINDOWS_FILE_SYSTEM: ResourceType = ResourceType("aws_fsx_windows_file_system");
pub const FSX_ONTAP_FILE_SYSTEM: ResourceType = ResourceType("aws_fsx_ontap_file_system");
pub const FSX_OPENZFS_FILE_SYSTEM: ResourceType = ResourceType("aws_fsx_openzfs_file_system");
pub const DB_INSTANCE_AUTOMATED_BACKUPS_REPLICATION: ResourceType =
    ResourceType("aws_db_instance_automated_backups_replication");
pub const BACKUP_PLAN: ResourceType = ResourceType("aws_backup_plan");
pub const BACKUP_SELECTION: ResourceType = ResourceType("aws_backup_selection");
pub const BACKUP_VAULT: ResourceType = ResourceType("aws_backup_vault");
// DNS.
pub const ROUTE53_ZONE: ResourceType = ResourceType("aws_route53_zone");
pub const ROUTE53_RECORD: ResourceType = ResourceType("aws_route53_record");
pub const ROUTE53_HEALTH_CHECK: ResourceType = ResourceType("aws_route53_health_check");
pub const ROUTE53_RESOLVER_ENDPOINT: ResourceType = ResourceType("aws_route53_resolver_endpoint");
// Security.
pub const KMS_KEY: ResourceType = ResourceType("aws_kms_key");
pub const KMS_REPLICA_KEY: ResourceType = ResourceType("aws_kms_replica_key");
pub const SECRETSMANAGER_SECRET: ResourceType = ResourceType("aws_secretsmanager_secret");

/// A load balancer's zones: its `subnets`, else its `subnet_mapping` blocks.
const LB_PLACEMENT: &[PlacementVia] = &[
    PlacementVia::Subnets("subnets"),
    PlacementVia::SubnetBlocks("subnet_mapping", "subnet_id"),
];

/// A paired kind: it must also exist in a second region.
const fn paired(rtype: ResourceType, layer: Layer) -> Kind {
    Kind {
        paired: true,
        ..Kind::layer(rtype, layer)
    }
}

pub static PROVIDER: Provider = Provider {
    name: "aws",
    // The paired kinds come first, in the order the region summary lists them.
    kinds: &[
        Kind {
            placement: &[PlacementVia::NestedSubnets("vpc_config", "subnet_ids")],
            ..paired(EKS_CLUSTER, Layer::Control)
        },
        Kind {
            identity: Some("cluster_identifier"),
            replicas: &[ReplicaLink::attr(
                RDS_CLUSTER,
                "replication_source_identifier",
            )],
            ..paired(RDS_CLUSTER, Layer::Data)
        },
        Kind {
            identity: Some("identifier"),
            replicas: &[ReplicaLink::attr(DB_INSTANCE, "replicate_source_db")],
            ..paired(DB_INSTANCE, Layer::Data)
        },
        paired(ELASTICACHE_REPLICATION_GROUP, Layer::Data),
        Kind {
            replicas: &[ReplicaLink::attr(
                DYNAMODB_TABLE_REPLICA,
                "global_table_arn",
            )],
            inline_replicas: Some(("replica", "region_name")),
            ..paired(DYNAMODB_TABLE, Layer::Data)
        },
        Kind {
            identity: Some("bucket"),
            ..paired(S3_BUCKET, Layer::Data)
        },
        Kind {
            replicas: &[ReplicaLink::attr(KMS_REPLICA_KEY, "primary_key_arn")],
            ..paired(KMS_KEY, Layer::Security)
        },
        Kind {
            inline_replicas: Some(("replica", "region")),
            ..paired(SECRETSMANAGER_SECRET, Layer::Security)
        },
        Kind {
            replicated_by: &[(
                EFS_REPLICATION_CONFIGURATION,
                "source_file_system_id",
                "destination",
                "region",
            )],
            ..paired(EFS_FILE_SYSTEM, Layer::Data)
        },
        Kind {
            placement: &[PlacementVia::NestedSubnets(
                "broker_node_group_info",
                "client_subnets",
            )],
            ..paired(MSK_CLUSTER, Layer::Data)
        },
        Kind {
            placement: &[PlacementVia::NestedSubnets("vpc_options", "subnet_ids")],
            ..paired(OPENSEARCH_DOMAIN, Layer::Data)
        },
        Kind {
            placement: &[PlacementVia::NestedSubnets("vpc_options", "subnet_ids")],
            ..paired(ELASTICSEARCH_DOMAIN, Layer::Data)
        },
        paired(DOCDB_CLUSTER, Layer::Data),
        paired(NEPTUNE_CLUSTER, Layer::Data),
        paired(REDSHIFT_CLUSTER, Layer::Data),
        Kind {
            placement: &[PlacementVia::Subnets("subnet_ids")],
            ..paired(MQ_BROKER, Layer::Data)
        },
        paired(FSX_WINDOWS_FILE_SYSTEM, Layer::Data),
        paired(FSX_ONTAP_FILE_SYSTEM, Layer::Data),
        paired(FSX_OPENZFS_FILE_SYSTEM, Layer::Data),
        paired(API_GATEWAY_REST_API, Layer::Network),
        paired(APIGATEWAYV2_API, Layer::Network),
        paired(API_GATEWAY_DOMAIN_NAME, Layer::Network),
        paired(APIGATEWAYV2_DOMAIN_NAME, Layer::Network),
        Kind {
            placement: LB_PLACEMENT,
            ..Kind::layer(LB, Layer::Network)
        },
        Kind {
            placement: LB_PLACEMENT,
            ..Kind::layer(ALB, Layer::Network)
        },
        Kind {
            placement: &[
                PlacementVia::Subnets("subnets"),
                PlacementVia::Zones("availability_zones"),
            ],
            ..Kind::layer(ELB, Layer::Network)
        },
        Kind::layer(NAT_GATEWAY, Layer::Network),
        Kind::layer(VPN_CONNECTION, Layer::Network),
        Kind::layer(DX_CONNECTION, Layer::Network),
        Kind::plain(DX_GATEWAY_ASSOCIATION),
        Kind::layer(CLOUDFRONT_DISTRIBUTION, Layer::Network),
        Kind::plain(GLOBALACCELERATOR_ACCELERATOR),
        Kind::plain(GLOBALACCELERATOR_LISTENER),
        Kind::layer(GLOBALACCELERATOR_ENDPOINT_GROUP, Layer::Network),
        Kind::plain(ROUTE_TABLE),
        Kind::plain(ROUTE),
        Kind::plain(ROUTE_TABLE_ASSOCIATION),
        Kind::layer(LB_TARGET_GROUP, Layer::Network),
        Kind::layer(ALB_TARGET_GROUP, Layer::Network),
        Kind {
            placement: &[
                PlacementVia::Subnets("vpc_zone_identifier"),
                PlacementVia::Zones("availability_zones"),
            ],
            ..Kind::layer(AUTOSCALING_GROUP, Layer::Compute)
        },
        Kind {
            placement: &[PlacementVia::Subnets("subnet_ids")],
            ..Kind::layer(EKS_NODE_GROUP, Layer::Compute)
        },
        Kind {
            placement: &[
                PlacementVia::Zone("availability_zone"),
                PlacementVia::Subnet("subnet_id"),
            ],
            ..Kind::layer(INSTANCE, Layer::Compute)
        },
        Kind {
            placement: &[PlacementVia::NestedSubnets(
                "network_configuration",
                "subnets",
            )],
            ..Kind::layer(ECS_SERVICE, Layer::Compute)
        },
        Kind {
            placement: &[PlacementVia::NestedSubnets("vpc_config", "subnet_ids")],
            ..Kind::layer(LAMBDA_FUNCTION, Layer::Compute)
        },
        Kind::plain(APPAUTOSCALING_TARGET),
        Kind::layer(BACKUP_PLAN, Layer::Data),
        Kind::plain(BACKUP_SELECTION),
        Kind::plain(BACKUP_VAULT),
        Kind::plain(DB_INSTANCE_AUTOMATED_BACKUPS_REPLICATION),
        Kind::layer(ELASTIC_BEANSTALK_ENVIRONMENT, Layer::Compute),
        Kind {
            placement: &[PlacementVia::Subnets("subnet_ids")],
            ..Kind::layer(TRANSIT_GATEWAY_VPC_ATTACHMENT, Layer::Network)
        },
        Kind {
            placement: &[PlacementVia::SubnetBlocks("ip_address", "subnet_id")],
            ..Kind::layer(ROUTE53_RESOLVER_ENDPOINT, Layer::Dns)
        },
        Kind::layer(ELASTICACHE_CLUSTER, Layer::Data),
        Kind::layer(ROUTE53_ZONE, Layer::Dns),
        Kind::layer(ROUTE53_RECORD, Layer::Dns),
        Kind::plain(LB_LISTENER),
        Kind::plain(ALB_LISTENER),
        Kind::plain(LB_LISTENER_RULE),
        Kind::plain(ALB_LISTENER_RULE),
        Kind::plain(LB_TARGET_GROUP_ATTACHMENT),
        Kind::plain(ALB_TARGET_GROUP_ATTACHMENT),
        Kind::plain(AUTOSCALING_ATTACHMENT),
        Kind::plain(RDS_CLUSTER_INSTANCE),
        Kind::plain(RDS_GLOBAL_CLUSTER),
        Kind::plain(ELASTICACHE_GLOBAL_REPLICATION_GROUP),
        Kind::plain(S3_BUCKET_REPLICATION_CONFIGURATION),
        Kind::plain(DYNAMODB_TABLE_REPLICA),
        Kind::plain(ROUTE53_HEALTH_CHECK),
        Kind::plain(KMS_REPLICA_KEY),
        Kind::plain(EFS_MOUNT_TARGET),
        Kind::plain(EFS_REPLICATION_CONFIGURATION),
        Kind::plain(MSK_CONFIGURATION),
        Kind::layer(OPENSEARCHSERVERLESS_COLLECTION, Layer::Data),
        Kind::plain(DOCDB_CLUSTER_INSTANCE),
        Kind::plain(DOCDB_GLOBAL_CLUSTER),
        Kind::plain(NEPTUNE_CLUSTER_INSTANCE),
        Kind::plain(NEPTUNE_GLOBAL_CLUSTER),
    ],
    subnets: &[
        SubnetKind {
            rtype: SUBNET,
            zone_attrs: &["availability_zone", "availability_zone_id"],
        },
        SubnetKind {
            rtype: DEFAULT_SUBNET,
            zone_attrs: &["availability_zone", "availability_zone_id"],
        },
    ],
    dns_zones: &[DnsZoneKind {
        rtype: ROUTE53_ZONE,
        domain_attr: "name",
        provider: "Route 53",
        private: Private::WithBlock("vpc"),
    }],
    dns_records: &[DnsRecordKind {
        rtype: ROUTE53_RECORD,
        provider: "Route 53",
        zone: RecordZone::Zone {
            attr: "zone_id",
            by_name: None,
        },
        name_attr: "name",
        name: RecordName::RelativeOrFull,
        at_is_apex: false,
        targets: &[(Some("alias"), "name"), (None, "records")],
    }],
    global_groups: &[
        GlobalGroup {
            member: RDS_CLUSTER,
            member_attr: "global_cluster_identifier",
            group: RDS_GLOBAL_CLUSTER,
            source_attr: "source_db_cluster_identifier",
        },
        GlobalGroup {
            member: DOCDB_CLUSTER,
            member_attr: "global_cluster_identifier",
            group: DOCDB_GLOBAL_CLUSTER,
            source_attr: "source_db_cluster_identifier",
        },
        GlobalGroup {
            member: NEPTUNE_CLUSTER,
            member_attr: "global_cluster_identifier",
            group: NEPTUNE_GLOBAL_CLUSTER,
            source_attr: "source_db_cluster_identifier",
        },
        GlobalGroup {
            member: ELASTICACHE_REPLICATION_GROUP,
            member_attr: "global_replication_group_id",
            group: ELASTICACHE_GLOBAL_REPLICATION_GROUP,
            source_attr: "primary_replication_group_id",
        },
    ],
    not_judged: &[
        ("aws_eks_fargate_profile", Layer::Compute),
        ("aws_memorydb_cluster", Layer::Data),
        ("aws_fsx_lustre_file_system", Layer::Data),
        ("aws_cloudhsm_v2_cluster", Layer::Security),
        ("aws_codepipeline", Layer::Cicd),
        ("aws_codebuild_project", Layer::Cicd),
        ("aws_ecr_repository", Layer::Cicd),
    ],
};
