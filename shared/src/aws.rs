//! AWS clients, built once per process from the standard environment (`AWS_REGION`,
//! credentials, and `AWS_ENDPOINT_URL` for a local S3/SQS server).

use aws_config::BehaviorVersion;

/// Loads the shared SDK configuration.
pub async fn sdk_config() -> aws_config::SdkConfig {
    aws_config::defaults(BehaviorVersion::latest()).load().await
}

/// An S3 client. Against a custom endpoint (a local server) it uses path-style addressing, which
/// such servers expect; `S3_FORCE_PATH_STYLE=true` forces it elsewhere.
pub fn s3_client(config: &aws_config::SdkConfig) -> aws_sdk_s3::Client {
    let path_style = config.endpoint_url().is_some()
        || crate::config::optional("S3_FORCE_PATH_STYLE").is_some_and(|v| v == "true" || v == "1");
    let s3 = aws_sdk_s3::config::Builder::from(config).force_path_style(path_style).build();
    aws_sdk_s3::Client::from_conf(s3)
}

/// An SQS client.
pub fn sqs_client(config: &aws_config::SdkConfig) -> aws_sdk_sqs::Client {
    aws_sdk_sqs::Client::new(config)
}
