const char yolk_image_name[] = YOLK_IMAGE_NAME;
