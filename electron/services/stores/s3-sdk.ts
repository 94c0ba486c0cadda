// The parts of the AWS SDK that S3Store sends requests with, in one module that s3-store.ts loads on
// first use (see loadSdk there): module code that a push to a folder or an HTTP cache never runs.
export {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
export { Upload } from '@aws-sdk/lib-storage';
export { fromNodeProviderChain } from '@aws-sdk/credential-providers';
