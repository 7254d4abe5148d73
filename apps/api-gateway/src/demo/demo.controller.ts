import { Controller, Get, Header } from '@nestjs/common';
import { DEMO_CSS, DEMO_HTML } from './page';
import { DEMO_JS } from './client';

/**
 * The demo page: static HTML, CSS and JS (no build step, no third-party
 * requests) that reads the dashboard routes with the key the visitor gives it
 * and follows the live stream. Public on purpose: it holds no data, every
 * figure comes from API calls made with the visitor's key.
 */
const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const CACHE = 'no-cache';

@Controller('demo')
export class DemoController {
  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('content-security-policy', PAGE_CSP)
  @Header('cache-control', CACHE)
  page(): string {
    return DEMO_HTML;
  }

  @Get('demo.js')
  @Header('content-type', 'text/javascript; charset=utf-8')
  @Header('cache-control', CACHE)
  script(): string {
    return DEMO_JS;
  }

  @Get('demo.css')
  @Header('content-type', 'text/css; charset=utf-8')
  @Header('cache-control', CACHE)
  style(): string {
    return DEMO_CSS;
  }
}
