export * from "./file-store";
export { DiskFileStore, type DiskFileStoreOptions, type FileRequestHandler } from "./disk-file-store";
export { S3FileStore, type S3FileStoreOptions } from "./s3-file-store";
export { filesEnv, filesSettingNames, type FilesSettings } from "./settings";
export { openFileStore, type OpenedFileStore, type OpenFileStoreOptions } from "./open-file-store";
