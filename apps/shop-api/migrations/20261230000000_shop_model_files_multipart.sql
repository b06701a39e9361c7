-- A large model file is uploaded in parts (S3 multipart upload): the upload id and the size of
-- every part but the last, so the completion knows which parts make the file.
ALTER TABLE model_files
  ADD COLUMN multipart_upload_id text,
  ADD COLUMN part_size_bytes bigint CHECK (part_size_bytes > 0),
  ADD CONSTRAINT model_files_multipart_check
    CHECK ((multipart_upload_id IS NULL) = (part_size_bytes IS NULL));
