//! A bucket and queues of the test's own on the local S3/SQS server.

use aws_sdk_s3::primitives::ByteStream;
use upflow::queue::JobMessage;

/// Clients built the way the functions build them (`AWS_ENDPOINT_URL` from the environment).
pub struct LocalAws {
    pub s3: aws_sdk_s3::Client,
    pub sqs: aws_sdk_sqs::Client,
}

impl LocalAws {
    pub async fn new() -> LocalAws {
        crate::env("AWS_ENDPOINT_URL");
        let config = upflow::aws::sdk_config().await;
        LocalAws {
            s3: upflow::aws::s3_client(&config),
            sqs: upflow::aws::sqs_client(&config),
        }
    }

    pub async fn bucket(&self) -> String {
        let name = crate::unique_name("upflow-test");
        self.s3.create_bucket().bucket(&name).send().await.unwrap();
        name
    }

    /// A queue; returns its URL.
    pub async fn queue(&self) -> String {
        let name = crate::unique_name("upflow-jobs");
        self.sqs
            .create_queue()
            .queue_name(name)
            .send()
            .await
            .unwrap()
            .queue_url
            .unwrap()
    }

    pub async fn put(&self, bucket: &str, key: &str, body: Vec<u8>) -> String {
        let out = self
            .s3
            .put_object()
            .bucket(bucket)
            .key(key)
            .body(ByteStream::from(body))
            .send()
            .await
            .unwrap();
        out.e_tag.unwrap_or_default()
    }

    /// Takes every message off the queue (deleting them) and returns their parsed bodies.
    pub async fn drain(&self, queue_url: &str) -> Vec<JobMessage> {
        let mut out = Vec::new();
        let mut empty_polls = 0;
        while empty_polls < 2 {
            let got = self
                .sqs
                .receive_message()
                .queue_url(queue_url)
                .max_number_of_messages(10)
                .wait_time_seconds(0)
                .send()
                .await
                .unwrap();
            let messages = got.messages.unwrap_or_default();
            if messages.is_empty() {
                empty_polls += 1;
                continue;
            }
            for m in messages {
                out.push(JobMessage::from_body(m.body.as_deref().unwrap()).unwrap());
                self.sqs
                    .delete_message()
                    .queue_url(queue_url)
                    .receipt_handle(m.receipt_handle.unwrap())
                    .send()
                    .await
                    .unwrap();
            }
        }
        out
    }
}

/// An S3 `ObjectCreated:Put` event as S3 delivers it, with the key URL-encoded.
pub fn s3_put_event(bucket: &str, encoded_key: &str) -> aws_lambda_events::event::s3::S3Event {
    serde_json::from_value(serde_json::json!({
        "Records": [{
            "eventVersion": "2.1",
            "eventSource": "aws:s3",
            "awsRegion": "us-east-1",
            "eventTime": "2026-05-24T06:55:30.000Z",
            "eventName": "ObjectCreated:Put",
            "userIdentity": {"principalId": "AWS:AIDAEXAMPLE"},
            "requestParameters": {"sourceIPAddress": "127.0.0.1"},
            "responseElements": {"x-amz-request-id": "C3D13FE58DE4C810", "x-amz-id-2": "example"},
            "s3": {
                "s3SchemaVersion": "1.0",
                "configurationId": "uploads",
                "bucket": {"name": bucket, "ownerIdentity": {"principalId": "EXAMPLE"}, "arn": format!("arn:aws:s3:::{bucket}")},
                "object": {"key": encoded_key, "size": 1024, "eTag": "d41d8cd98f00b204e9800998ecf8427e", "sequencer": "0A1B2C3D4E5F678901"}
            }
        }]
    }))
    .unwrap()
}
