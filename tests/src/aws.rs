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
        LocalAws { s3: upflow::aws::s3_client(&config), sqs: upflow::aws::sqs_client(&config) }
    }

    pub async fn bucket(&self) -> String {
        let name = crate::unique_name("upflow-test");
        self.s3.create_bucket().bucket(&name).send().await.unwrap();
        name
    }

    /// A queue; returns its URL.
    pub async fn queue(&self) -> String {
        let name = crate::unique_name("upflow-jobs");
        self.sqs.create_queue().queue_name(name).send().await.unwrap().queue_url.unwrap()
    }

    pub async fn put(&self, bucket: &str, key: &str, body: Vec<u8>) -> String {
        let out = self.s3.put_object().bucket(bucket).key(key).body(ByteStream::from(body)).send().await.unwrap();
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

/// `events/s3-put.json` (the event S3 delivers for an upload) with the bucket and the
/// URL-encoded key replaced.
pub fn s3_put_event(bucket: &str, encoded_key: &str) -> aws_lambda_events::event::s3::S3Event {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../events/s3-put.json");
    let mut event: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let s3 = &mut event["Records"][0]["s3"];
    s3["bucket"]["name"] = bucket.into();
    s3["bucket"]["arn"] = format!("arn:aws:s3:::{bucket}").into();
    s3["object"]["key"] = encoded_key.into();
    serde_json::from_value(event).unwrap()
}
